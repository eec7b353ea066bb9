//! Typed data straight from the event parser's events, so a file is parsed once for both its
//! data and its [`Spans`](super::Spans) instead of once by serde_yaml and once more for spans.
//!
//! serde_yaml stays the reference: this reader takes only what it can turn into the same value
//! serde_yaml would give, and answers "not sure" ([`Unsure`]) to everything else: a fault of any
//! kind, anchors, aliases, tags, several documents, a type it does not handle (floats, signed
//! numbers, `deserialize_any`...). The caller then parses the text with serde_yaml, so values and
//! error messages stay exactly serde_yaml's. Scalars are resolved with serde_yaml 0.9's own rules
//! (`parse_bool`, `parse_null`, `parse_unsigned_int`, copied below) and each `deserialize_*`
//! follows its counterpart in serde_yaml's `de.rs`.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use std::fmt;
use yaml_rust2::parser::Event;
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// This reader cannot vouch for the value: serde_yaml must parse the text.
#[derive(Debug)]
pub struct Unsure;

impl fmt::Display for Unsure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_yaml")
    }
}

impl std::error::Error for Unsure {}

impl de::Error for Unsure {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsure
    }
}

type Result<T> = std::result::Result<T, Unsure>;

/// Decides, event by event, whether the events of a text can be trusted to give serde_yaml's
/// value. yaml-rust2 reads some texts differently from libyaml (serde_yaml's parser), and the
/// test below keeps finding where; those shapes are sent to serde_yaml:
/// - control characters (tabs and carriage returns included), YAML 1.1's extra line breaks,
///   byte-order marks, directives, document markers after the start, a text that does not end
///   with a line break (a block scalar there keeps a line break libyaml drops);
/// - anchors, aliases and tags;
/// - block scalars with no text (`|` alone), empty keys (`: x`), plain scalars that start with an
///   indicator character (yaml-rust2 takes `?x`, `|x` or `:x` in flow collections as text);
/// - flow collections (`[...]`, `{...}`) over several lines, and in them plain scalars with a
///   colon (`[a:b]`) or empty ones (`{a:, b}`), which libyaml refuses;
/// - more than one document.
pub struct Gate<'t> {
    text: &'t str,
    /// Byte offset of each line's start.
    lines: Vec<usize>,
    /// Per open collection: the line a flow collection starts on, `None` for a block one.
    open: Vec<Option<usize>>,
    documents: usize,
}

impl<'t> Gate<'t> {
    /// `None` when the text as a whole is unusual.
    pub fn new(text: &'t str) -> Option<Self> {
        if !text.ends_with('\n') || odd_characters(text) {
            return None;
        }
        let mut lines = Vec::with_capacity(text.len() / 24 + 1);
        lines.push(0);
        lines.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        // Directives and document markers; `---` may open the text.
        let marker = |(n, &start): (usize, &usize)| {
            let line = &text.as_bytes()[start..];
            line.starts_with(b"...") || line.starts_with(b"%") || (n > 0 && line.starts_with(b"---"))
        };
        if lines.iter().enumerate().any(marker) {
            return None;
        }
        Some(Gate {
            text,
            lines,
            open: Vec::new(),
            documents: 0,
        })
    }

    /// The character at a 1-based line and 0-based column (in characters).
    fn char_at(&self, line: usize, col: usize) -> Option<char> {
        let start = *self.lines.get(line.checked_sub(1)?)?;
        self.text[start..].chars().take_while(|c| *c != '\n').nth(col)
    }

    /// Whether the text may still take the fast path after `event`. `at_key` says whether a
    /// scalar stands where a mapping's key goes.
    pub fn admit(&mut self, event: &Event, mark: Marker, at_key: bool) -> bool {
        match event {
            Event::Alias(_) | Event::Nothing => false,
            Event::DocumentStart => {
                self.documents += 1;
                self.documents == 1
            }
            Event::Scalar(value, style, anchor, tag) => {
                if *anchor != 0 || tag.is_some() {
                    return false;
                }
                match style {
                    TScalarStyle::Literal | TScalarStyle::Folded => !value.bytes().all(|b| b == b'\n'),
                    TScalarStyle::Plain => {
                        // libyaml refuses `a:b` and empty entries (`{a:, b}`) in flow collections.
                        let in_flow = matches!(self.open.last(), Some(Some(_)));
                        match value.chars().next() {
                            None => !at_key && !in_flow,
                            Some(c) => {
                                let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(c);
                                !(indicator || (in_flow && value.contains(':')))
                            }
                        }
                    }
                    _ => true,
                }
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if *anchor != 0 || tag.is_some() {
                    return false;
                }
                let flow = matches!(self.char_at(mark.line(), mark.col()), Some('[' | '{'));
                self.open.push(flow.then_some(mark.line()));
                true
            }
            Event::SequenceEnd | Event::MappingEnd => match self.open.pop() {
                Some(Some(line)) => line == mark.line(),
                Some(None) => true,
                None => false,
            },
            _ => true,
        }
    }
}

/// Characters the parsers treat differently: controls other than the line feed (tabs and
/// carriage returns included), which libyaml refuses or reads as breaks; YAML 1.1's extra line
/// breaks (NEL, LS, PS); byte-order marks and non-characters.
fn odd_characters(text: &str) -> bool {
    if text.is_ascii() {
        return text.bytes().any(|b| (b < 0x20 && b != b'\n') || b == 0x7f);
    }
    text.chars().any(|c| {
        (c < ' ' && c != '\n')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
    })
}

/// The value of a whole stream of events (StreamStart to StreamEnd, one document).
pub fn from_events<T: DeserializeOwned>(events: Vec<Event>) -> Result<T> {
    let n = events.len();
    let framed = n >= 5
        && matches!(events[0], Event::StreamStart)
        && matches!(events[1], Event::DocumentStart)
        && matches!(events[n - 2], Event::DocumentEnd)
        && matches!(events[n - 1], Event::StreamEnd);
    if !framed {
        return Err(Unsure);
    }
    let mut de = Reader {
        events,
        pos: 2,
        depth: 0,
    };
    let value = T::deserialize(&mut de)?;
    // One root node, then the end of the only document.
    if de.pos != n - 2 {
        return Err(Unsure);
    }
    Ok(value)
}

struct Reader {
    events: Vec<Event>,
    pos: usize,
    depth: usize,
}

/// serde_yaml allows 128 levels; anything near that is left to it.
const MAX_DEPTH: usize = 100;

impl Reader {
    fn peek(&self) -> Result<&Event> {
        self.events.get(self.pos).ok_or(Unsure)
    }

    fn next(&mut self) -> Result<Event> {
        let event = self.events.get_mut(self.pos).ok_or(Unsure)?;
        self.pos += 1;
        Ok(std::mem::replace(event, Event::Nothing))
    }

    fn nest<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            return Err(Unsure);
        }
        self.depth += 1;
        let value = f(self);
        self.depth -= 1;
        value
    }

    /// Skips one node.
    fn skip(&mut self) -> Result<()> {
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::Scalar(..) => {}
                Event::SequenceStart(..) | Event::MappingStart(..) => open += 1,
                Event::SequenceEnd | Event::MappingEnd => open = open.checked_sub(1).ok_or(Unsure)?,
                _ => return Err(Unsure),
            }
            if open == 0 {
                return Ok(());
            }
        }
    }
}

fn is_empty_plain(event: &Event) -> bool {
    matches!(event, Event::Scalar(v, TScalarStyle::Plain, ..) if v.is_empty())
}

// serde_yaml 0.9's scalar rules (src/de.rs), unchanged.

fn parse_null(scalar: &str) -> Option<()> {
    match scalar {
        "null" | "Null" | "NULL" | "~" => Some(()),
        _ => None,
    }
}

fn parse_bool(scalar: &str) -> Option<bool> {
    match scalar {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

fn parse_unsigned_int(scalar: &str) -> Option<u64> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = u64::from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) {
        return None;
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    unpositive.parse().ok()
}

macro_rules! unsure {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
            Err(Unsure)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader {
    type Error = Unsure;

    unsure! {
        deserialize_any deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes
        deserialize_byte_buf deserialize_unit
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::Scalar(v, TScalarStyle::Plain, ..) => match parse_bool(&v) {
                Some(b) => visitor.visit_bool(b),
                None => Err(Unsure),
            },
            _ => Err(Unsure),
        }
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::Scalar(v, TScalarStyle::Plain, ..) => match parse_unsigned_int(&v) {
                Some(n) => visitor.visit_u64(n),
                None => Err(Unsure),
            },
            _ => Err(Unsure),
        }
    }

    /// Any scalar is a string, whatever its style or look (`993`, `true`, `~` included).
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next()? {
            Event::Scalar(v, ..) => visitor.visit_string(v),
            _ => Err(Unsure),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// A plain empty or null scalar is `None`; a quoted one, a list or a map is `Some`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let is_some = match self.peek()? {
            Event::Scalar(v, style, ..) => *style != TScalarStyle::Plain || (!v.is_empty() && parse_null(v).is_none()),
            Event::SequenceStart(..) | Event::MappingStart(..) => true,
            _ => return Err(Unsure),
        };
        if is_some {
            visitor.visit_some(self)
        } else {
            self.next()?;
            visitor.visit_none()
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(Unsure)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value> {
        self.nest(|de| visitor.visit_newtype_struct(de))
    }

    /// A sequence, or an empty plain scalar as an empty one.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let event = self.next()?;
        if is_empty_plain(&event) {
            return visitor.visit_seq(Empty);
        }
        if !matches!(event, Event::SequenceStart(..)) {
            return Err(Unsure);
        }
        let value = self.nest(|de| visitor.visit_seq(Items { de }))?;
        // serde_yaml drains what the visitor left and calls it an error: leave that to it.
        match self.next()? {
            Event::SequenceEnd => Ok(value),
            _ => Err(Unsure),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    /// A mapping, or an empty plain scalar as an empty one.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let event = self.next()?;
        if is_empty_plain(&event) {
            return visitor.visit_map(Empty);
        }
        if !matches!(event, Event::MappingStart(..)) {
            return Err(Unsure);
        }
        let value = self.nest(|de| visitor.visit_map(Entries { de }))?;
        match self.next()? {
            Event::MappingEnd => Ok(value),
            _ => Err(Unsure),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    /// Only unit variants, written as a scalar (`tls`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.peek()? {
            Event::Scalar(..) => visitor.visit_enum(UnitVariant { de: self }),
            _ => Err(Unsure),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }
}

/// An empty sequence or mapping (an empty plain scalar where one was expected).
struct Empty;

impl<'de> de::SeqAccess<'de> for Empty {
    type Error = Unsure;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, _: T) -> Result<Option<T::Value>> {
        Ok(None)
    }
}

impl<'de> de::MapAccess<'de> for Empty {
    type Error = Unsure;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value> {
        Err(Unsure)
    }
}

struct Items<'a> {
    de: &'a mut Reader,
}

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Unsure;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        match self.de.peek()? {
            Event::SequenceEnd => Ok(None),
            _ => seed.deserialize(&mut *self.de).map(Some),
        }
    }
}

struct Entries<'a> {
    de: &'a mut Reader,
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Unsure;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.de.peek()? {
            Event::MappingEnd => Ok(None),
            _ => seed.deserialize(&mut *self.de).map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.de)
    }
}

struct UnitVariant<'a> {
    de: &'a mut Reader,
}

impl<'de> de::EnumAccess<'de> for UnitVariant<'_> {
    type Error = Unsure;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let value = seed.deserialize(&mut *self.de)?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_> {
    type Error = Unsure;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value> {
        Err(Unsure)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(Unsure)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Result<V::Value> {
        Err(Unsure)
    }
}

#[cfg(test)]
mod tests {
    //! The events must never give a value serde_yaml would not: every text here is read both ways,
    //! and wherever the events give a value, serde_yaml must give the same one.

    use super::super::read;
    use super::from_events;
    use crate::model::{
        ClientData, FaqEntry, FrontMatter, Protocol, ProviderData, Security, SiteConfig, TroubleshootingEntry,
    };
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;
    use std::path::Path;

    /// The value the events give, or `None` when they leave the text to serde_yaml.
    fn fast<T: DeserializeOwned>(text: &str) -> Option<T> {
        read(text, true, 64).events.and_then(|e| from_events(e).ok())
    }

    /// Whether the events gave a value; panics when serde_yaml disagrees with it.
    fn agree<T: DeserializeOwned + Serialize>(text: &str) -> bool {
        let Some(value) = fast::<T>(text) else {
            return false;
        };
        match serde_yaml::from_str::<T>(text) {
            Ok(reference) => assert_eq!(
                serde_json::to_value(&value).expect("serializable"),
                serde_json::to_value(&reference).expect("serializable"),
                "the events and serde_yaml read different values from {text:?}"
            ),
            Err(e) => panic!("the events accept a text serde_yaml rejects ({e}): {text:?}"),
        }
        true
    }

    /// Every shape the content types use, and a few they might.
    #[derive(Debug, Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Shapes {
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        name: String,
        #[serde(default)]
        list: Vec<String>,
        #[serde(default)]
        flag: Option<bool>,
        #[serde(default)]
        on: bool,
        #[serde(default)]
        port: Option<u32>,
        #[serde(default)]
        small: Option<u8>,
        #[serde(default)]
        map: BTreeMap<String, String>,
        #[serde(default)]
        security: Option<Security>,
        #[serde(default)]
        levels: BTreeMap<Protocol, u64>,
        #[serde(default)]
        nested: Vec<BTreeMap<String, Option<String>>>,
        #[serde(default)]
        pair: Option<(String, u32)>,
    }

    /// Texts where YAML parsers are known to part ways: scalar styles and folding, chomping,
    /// escapes, number and null spellings, flow collections, document markers, odd keys.
    const TRICKY: &[&str] = &[
        "text: |\n  a\n   b\n\n  c\n\n\nname: x\n",
        "text: |-\n  a\n  b\n\n",
        "text: |+\n  a\n  b\n\n\nname: x\n",
        "text: |2\n    indented\n  b\n",
        "text: >\n  folded\n  lines\n\n  para\n    more\n  end\n",
        "text: >-\n  a\n  b\n",
        "text: >+\n  a\n\n",
        "text: plain\n  continued\n\n  after blank\nname: x\n",
        "text: 'single ''quoted''\n  folded\n\n  x'\n",
        "text: \"esc \\t \\u00e9 \\x41 \\\\ \\\" \\/ \\N \\_ \\e \\0 \\a\"\n",
        "text: \"line \\\n  joined\"\n",
        "text: \"a\n\n  b  \n  c\"\n",
        "text: a # comment\nname: 'b' # c\n",
        "text: a#b\nname: a #b\n",
        "text:\nname: ''\nlist:\nmap:\n",
        "text: ~\nflag: ~\nport: ~\n",
        "text: null\nname: null\n",
        "text: 'null'\nname: \"~\"\n",
        "text: NULL\nname: Null\nsecurity: null\n",
        "name: 993\ntext: true\nlist: [1, 0x1, ~, '', yes]\n",
        "flag: true\non: False\n",
        "flag: yes\n",
        "flag: 'true'\n",
        "on: TRUE\nflag: FALSE\n",
        "port: 993\nsmall: 255\n",
        "port: 0x3E1\nsmall: 0o17\n",
        "port: 0b101\n",
        "port: +993\n",
        "port: 0993\n",
        "port: 0\n",
        "port: -1\n",
        "port: 993.0\n",
        "port: 1_000\n",
        "port: 99999999999\n",
        "small: 256\n",
        "port: '993'\n",
        "port: |\n  993\n",
        "port: 0x\n",
        "port: 0x-1\n",
        "port: +-1\n",
        "port: 9 9\n",
        "list: [a, 'b', \"c\", d e, ]\n",
        "list: [a,\n  b,\n    c]\n",
        "list:\n- a\n- b\n",
        "list:\n  - a\n  -\n  - ''\n",
        "list: []\nmap: {}\n",
        "list: a\n",
        "list: [a: b]\n",
        "map: {a: b, c: d, e}\n",
        "map: {a: b,\n  c: d}\n",
        "map:\n  a: 1\n  a: 2\n",
        "map:\n  ? a\n  : b\n",
        "map:\n  ? [a]\n  : b\n",
        "map:\n  'a b': c\n  \"d\\te\": f\n",
        "map:\n  1: one\n  true: yes\n  ~: none\n",
        "name: a\nname: b\n",
        "security: tls\n",
        "security: 'starttls'\n",
        "security: TLS\n",
        "security:\n",
        "security: [tls]\n",
        "security: {tls: 1}\n",
        "levels: {imap: 1, smtp: 0x2}\n",
        "levels:\n  pop3: 3\n  IMAP: 1\n",
        "nested:\n  - a: b\n    c:\n  - {}\n  -\n",
        "nested: [{a: b}, {c: ~}]\n",
        "pair: [a, 1]\n",
        "pair: [a, 1, 2]\n",
        "pair: [a]\n",
        "---\nname: x\n",
        "---\nname: x\n...\n",
        "--- \nname: x\n---\nname: y\n",
        "name: x\n---\n",
        "# only a comment\n",
        "---\n",
        "...\n",
        "%YAML 1.2\n---\nname: x\n",
        "name: x\n%\n",
        "name: &a x\ntext: *a\n",
        "name: !!str 993\n",
        "port: !!int '993'\n",
        "name:\tx\n",
        "name: x\r\ntext: y\r\n",
        "\u{feff}name: x\n",
        "name: x\n  bad: indent\n",
        "name: x\nlist:\n- a\n - b\n",
        "name: x: y\n",
        "name: 'unclosed\n",
        "name: \"unclosed\n",
        "name: [unclosed\n",
        "name: x\n text: y\n",
        "text: |\n a\n  b\n c\n",
        "text: |\n  a\n b\n",
        "text: -\n",
        "text: - a\n",
        "list:\n  - - a\n",
        "text: ? a\n",
        "name: @x\n",
        "name: `x\n",
        "name: x\nunknown: y\n",
        "name: \"\\q\"\n",
        "name: \"\\u12\"\n",
        "name: \"\\UFFFFFFFF\"\n",
        "name: 'a\n\n\n  b'\n",
        "name: a\n\n\n  b\n",
        "name: a\n# c\n  b\n",
        "name: >\n\n  a\n",
        "name: |\n\n  a\n",
        "name: |\n  \n  a\n",
        "name: |\n    \n  a\n",
        "name: |-\n",
        "name: >\n",
        "name: ü ö\ntext: 日本\n",
        "- a\n- b\n",
        "plain scalar\n",
        "[a, b]\n",
        "text: |\n\n  a\n\n  b\nname: x\n",
        "text: |\n  a\n\n\nname: x\n",
        "text: >\n\n  a\n   b\n  c\n\n  d\nname: x\n",
        "text: >\n  a\n\n\n  b\n\n",
        "text: |4\n      a\n    b\nname: x\n",
        "text: |-2\n    a\n",
        "text: |\n  # not a comment\n  a: b\n  - c\nname: x # comment\n",
        "text: a b: c\n",
        "text: 'a: b'\nname: \"c # d\"\n",
        "text: a:b\nname: http://x.example/a?b#c\n",
        "list: [http://x.example, 'a:b']\n",
        "list: [a,b,c]\nmap: {a: [b, c], d: {e: f}}\n",
        "list: [ a , b ]\nmap: { a : b }\n",
        "text: a\u{85}b\nname: c\u{2028}d\n",
        "text: \"\\u2028 \\x85\"\n",
        "text: a\u{7}b\n",
        "text: \"a\u{0}b\"\n",
        "text: é\nname: 'ü'\nlist: [ß, \"ñ\"]\n",
        "name:    spaced   \ntext:   |\n   three\n",
        "name: x\n\n\n# trailing comment\n",
        "  name: x\n  text: y\n",
        "name: x\n  # indented comment\ntext: y\n",
        "nested:\n- a: b\n  c: d\n- e: f\n",
        "nested:\n  -   a: b\n      c: d\n",
        "list:\n- >\n  folded item\n- |\n  literal item\n",
        "map:\n  a:\n  b: c\n",
        "text: \"multi\n  line \\\n  escaped\"\n",
        "text: 'it''s'\n",
        "text: -a\nname: -1\n",
        "text: x\n---\n",
        "text: ---\nname: ...\n",
    ];

    /// Small deterministic edits a hand, a merge or an editor might make.
    const EDITS: &[&str] = &[
        "", " ", "  ", "\n", "\n  ", ":", ": ", "-", "- ", "'", "\"", "|", ">", "#", "[", "]", "{", "}", ",", "?", "~",
        "\\", "&a ", "*a", "!", "0x", "\n---\n", "\n...\n", "\t", "%",
    ];

    /// Texts with one edit: at every `step`-th character, `per_place` of the edits (a different
    /// few at each place, so that every edit is tried all over the text).
    fn mutations(text: &str, step: usize, per_place: usize) -> Vec<String> {
        let bounds: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
        let mut out = Vec::new();
        for (n, &at) in bounds.iter().enumerate().step_by(step.max(1)) {
            let next = bounds.get(n + 1).copied().unwrap_or(at);
            for k in 0..per_place.min(EDITS.len()) {
                let e = (n * 7 + k * 11) % EDITS.len();
                let edit = EDITS[e];
                // The empty edit deletes a character; the others are inserted, or replace one.
                let (cut_to, ins) = if edit.is_empty() {
                    (next, "")
                } else {
                    (at + ((n + k) % 2) * (next - at), edit)
                };
                let mut t = String::with_capacity(text.len() + ins.len());
                t.push_str(&text[..at]);
                t.push_str(ins);
                t.push_str(&text[cut_to..]);
                out.push(t);
            }
        }
        out
    }

    fn yaml_files(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "yaml") {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/");
                if let Ok(text) = std::fs::read_to_string(path) {
                    out.push((rel, text));
                }
            }
        }
    }

    /// Reads a text as the content type its file name says, as `Shapes`, and as front matter.
    fn agree_as_file(name: &str, text: &str) -> bool {
        let typed = if name.ends_with("site.yaml") {
            agree::<SiteConfig>(text)
        } else if name.contains("providers/") {
            agree::<ProviderData>(text)
        } else if name.contains("clients/") {
            agree::<ClientData>(text)
        } else if name.contains("faq/") {
            agree::<Vec<FaqEntry>>(text)
        } else if name.contains("troubleshooting/") {
            agree::<Vec<TroubleshootingEntry>>(text)
        } else {
            false
        };
        agree::<Shapes>(text);
        agree::<FrontMatter>(text);
        agree::<Vec<BTreeMap<String, Option<String>>>>(text);
        typed
    }

    /// Content as editors write it: these must take the fast path.
    const ORDINARY: &[&str] = &[
        "name: Example Mail\nlist: [a.example, b.example]\nport: 993\nsecurity: tls\non: true\n",
        "# A comment\ntext: |\n  First line with `{{ imap.host }}`.\n\n  - a list item\n  - [a link](/faq/)\nname: x\n",
        "nested:\n  - a: one\n    b: 'two'\n  - c: \"three\"\n    d:\nmap:\n  key: https://example.org/a?b=c#d\n",
        "---\nname: x\ntext: >\n  folded\n  text\nlevels: {imap: 993, smtp: 587}\n",
    ];

    #[test]
    fn tricky_texts_read_as_serde_yaml_reads_them() {
        for text in ORDINARY {
            assert!(agree::<Shapes>(text), "{text:?} was left to serde_yaml");
        }
        for text in TRICKY.iter().chain(ORDINARY) {
            agree::<Shapes>(text);
            agree::<Vec<String>>(text);
            agree::<String>(text);
            agree::<BTreeMap<String, Option<String>>>(text);
            for m in mutations(text, 1, 8) {
                agree::<Shapes>(&m);
            }
        }
    }

    #[test]
    fn content_files_read_as_serde_yaml_reads_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("content"), &mut files);
        let bundled = files.len();
        assert!(bundled > 10, "the bundled content has YAML files");
        yaml_files(&root.join("tests/checks"), &mut files);
        yaml_files(&root.join("tests/sites"), &mut files);
        for (i, (name, text)) in files.iter().enumerate() {
            let typed = agree_as_file(name, text);
            // Every valid bundled file takes the fast path: that is what makes loading fast.
            if i < bundled {
                assert!(typed, "{name} was left to serde_yaml");
            }
            for m in mutations(text, 1 + text.len() / 60, 4) {
                agree_as_file(name, &m);
            }
        }
    }
}
