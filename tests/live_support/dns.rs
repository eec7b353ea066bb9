//! A loopback DNS responder (RFC 1035 over UDP) for A, SRV and MX questions: enough for the
//! resolver of `--dns-server`, so no test sends a query off the machine. Names it does not know
//! get NXDOMAIN; known names without a record of the asked type get an empty answer.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Debug)]
pub enum Record {
    A(Ipv4Addr),
    Srv { priority: u16, port: u16, target: String },
    Mx { preference: u16, exchange: String },
}

pub struct DnsServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

const A: u16 = 1;
const MX: u16 = 15;
const SRV: u16 = 33;

impl DnsServer {
    /// Answers from `zone` (lower-case names without the final dot) until dropped.
    pub fn start(zone: HashMap<String, Vec<Record>>) -> DnsServer {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind DNS");
        socket
            .set_read_timeout(Some(std::time::Duration::from_millis(100)))
            .expect("timeout");
        let addr = socket.local_addr().expect("addr");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while !stopped.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                if let Some(reply) = answer(&buf[..n], &zone) {
                    let _ = socket.send_to(&reply, from);
                }
            }
        });
        DnsServer { addr, stop }
    }
}

fn encode_name(name: &str, out: &mut Vec<u8>) {
    for label in name.trim_end_matches('.').split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
}

fn answer(query: &[u8], zone: &HashMap<String, Vec<Record>>) -> Option<Vec<u8>> {
    if query.len() < 12 {
        return None;
    }
    // The question: labels from offset 12, then type and class.
    let mut i = 12;
    let mut labels = Vec::new();
    loop {
        let len = usize::from(*query.get(i)?);
        i += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(i..i + len)?).to_ascii_lowercase());
        i += len;
    }
    let qtype = u16::from_be_bytes([*query.get(i)?, *query.get(i + 1)?]);
    let question = &query[12..i + 4];
    let name = labels.join(".");
    let records = zone.get(&name);
    let answers: Vec<Vec<u8>> = records
        .map(|rs| {
            rs.iter()
                .filter_map(|r| {
                    let (rtype, rdata) = match (r, qtype) {
                        (Record::A(ip), A) => (A, ip.octets().to_vec()),
                        (Record::Srv { priority, port, target }, SRV) => {
                            let mut d = Vec::new();
                            d.extend_from_slice(&priority.to_be_bytes());
                            d.extend_from_slice(&0u16.to_be_bytes());
                            d.extend_from_slice(&port.to_be_bytes());
                            encode_name(target, &mut d);
                            (SRV, d)
                        }
                        (Record::Mx { preference, exchange }, MX) => {
                            let mut d = preference.to_be_bytes().to_vec();
                            encode_name(exchange, &mut d);
                            (MX, d)
                        }
                        _ => return None,
                    };
                    let mut rr = vec![0xc0, 0x0c];
                    rr.extend_from_slice(&rtype.to_be_bytes());
                    rr.extend_from_slice(&1u16.to_be_bytes());
                    rr.extend_from_slice(&60u32.to_be_bytes());
                    rr.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
                    rr.extend_from_slice(&rdata);
                    Some(rr)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    out.extend_from_slice(&query[0..2]);
    // QR, the query's RD, RA; NXDOMAIN for unknown names.
    let rcode = if records.is_none() { 3 } else { 0 };
    out.push(0x80 | (query[2] & 0x01));
    out.push(0x80 | rcode);
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&(answers.len() as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(question);
    for rr in answers {
        out.extend_from_slice(&rr);
    }
    Some(out)
}
