//! The security words the rule recognises, per client.
//!
//! A guide says "SSL on" or "StartTLS" in the words of its client; this module gathers the
//! neutral value phrases, the field labels after which a value may follow, and each client's own
//! words from the data, so the reader in `scan` can find them as token sequences.

use crate::model::{Client, Security};

/// Security words as token sequences.
pub(super) struct Vocab {
    /// Unambiguous value phrases with their neutral meaning.
    pub(super) phrases: Vec<(Vec<String>, Vec<Security>)>,
    /// Field labels after which a value may follow: (tokens, whether the label itself says
    /// "SSL" or "TLS").
    pub(super) labels: Vec<(Vec<String>, bool)>,
    /// The first words of every phrase and label, to skip other words quickly.
    pub(super) starts: std::collections::HashSet<String>,
}

/// Values that only mean something after a label.
pub(super) const PLAIN_VALUES: [&str; 7] = ["on", "off", "none", "yes", "no", "true", "false"];

pub(super) fn words_of(s: &str) -> Vec<String> {
    s.split_whitespace().map(|w| w.to_ascii_lowercase()).collect()
}

impl Vocab {
    pub(super) fn new(clients: &[Client]) -> Self {
        let mut phrases: Vec<(Vec<String>, Vec<Security>)> = vec![
            (words_of("SSL/TLS"), vec![Security::Tls]),
            (words_of("TLS/SSL"), vec![Security::Tls]),
            (words_of("implicit TLS"), vec![Security::Tls]),
            (words_of("STARTTLS"), vec![Security::Starttls]),
            (words_of("Start TLS"), vec![Security::Starttls]),
            (words_of("START-TLS"), vec![Security::Starttls]),
        ];
        let mut labels: Vec<(Vec<String>, bool)> = ["SSL", "TLS", "Use SSL", "Use TLS"]
            .iter()
            .map(|l| (words_of(l), true))
            .chain(
                ["encryption", "security", "connection security", "encryption method"]
                    .iter()
                    .map(|l| (words_of(l), false)),
            )
            .collect();
        for c in clients {
            let v = &c.data.vocabulary;
            let label = words_of(&v.security);
            if !label.is_empty() && !labels.iter().any(|(l, _)| *l == label) {
                let says_ssl = label.iter().any(|w| w.split('/').any(|p| p == "ssl" || p == "tls"));
                labels.push((label, says_ssl));
            }
            for sec in Security::ALL {
                let word = words_of(v.security_word(sec));
                if word.is_empty() || (word.len() == 1 && PLAIN_VALUES.contains(&word[0].as_str())) {
                    continue;
                }
                match phrases.iter_mut().find(|(p, _)| *p == word) {
                    Some((_, meaning)) => {
                        if !meaning.contains(&sec) {
                            meaning.push(sec)
                        }
                    }
                    None => phrases.push((word, vec![sec])),
                }
            }
        }
        // Longest first, so "Use TLS/SSL" wins over "TLS/SSL".
        phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        labels.sort_by_key(|(l, _)| std::cmp::Reverse(l.len()));
        let starts = phrases
            .iter()
            .map(|(p, _)| p)
            .chain(labels.iter().map(|(l, _)| l))
            .filter_map(|words| words.first().cloned())
            .collect();
        Vocab {
            phrases,
            labels,
            starts,
        }
    }
}
