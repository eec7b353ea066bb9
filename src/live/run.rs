//! The scheduler: every server, domain and link as a job, grouped by host name; at most
//! `concurrency` hosts at once, one connection per host at a time; after the run's deadline,
//! the jobs left are "not checked".

use super::connect::Net;
use super::fail::Fail;
use super::finding::Finding;
use super::http::RateLimit;
use super::server::{self, Policy};
use super::targets::{DomainTarget, LinkTarget, Target};
use super::{domain, links};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub enum Job {
    Server(Target),
    Domain(DomainTarget),
    Link(LinkTarget),
}

impl Job {
    /// The host name the job connects to; "one connection per host" groups by it.
    fn host(&self) -> String {
        match self {
            Job::Server(t) => t.host.clone(),
            Job::Domain(d) => d.domain.clone(),
            Job::Link(l) => super::http::Url::parse(&l.url)
                .map(|u| u.host)
                .unwrap_or_else(|| l.url.clone()),
        }
    }
}

/// What a job found.
#[derive(Debug, Clone)]
pub enum Done {
    Server(server::Checked, i64),
    Domain(domain::Checked),
    Link(Option<Finding>),
}

pub struct Settings {
    pub concurrency: usize,
    pub policy: Policy,
    /// Show "servers done / total" on stderr.
    pub progress: bool,
}

/// Runs every job; results in the jobs' order.
pub async fn run(net: Arc<Net>, limit: Arc<RateLimit>, jobs: Vec<Job>, settings: &Settings) -> Vec<(Job, Done)> {
    let total = jobs.len();
    let mut groups: BTreeMap<String, Vec<(usize, Job)>> = BTreeMap::new();
    for (i, job) in jobs.into_iter().enumerate() {
        groups.entry(job.host()).or_default().push((i, job));
    }
    let permits = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let done = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for (_, group) in groups {
        let (net, limit, permits, done) = (net.clone(), limit.clone(), permits.clone(), done.clone());
        let (policy, progress) = (settings.policy, settings.progress);
        set.spawn(async move {
            let mut out = Vec::with_capacity(group.len());
            // Waiting for a turn counts against the run's deadline like everything else.
            let permit = tokio::time::timeout_at(net.deadline, permits.acquire_owned()).await;
            for (i, job) in group {
                let result = match &permit {
                    Ok(Ok(_)) if Instant::now() < net.deadline => one(&net, &limit, &job, policy).await,
                    _ => deadline(&job),
                };
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress {
                    eprint!("\rlive check: {n}/{total} done");
                    let _ = std::io::stderr().flush();
                }
                out.push((i, job, result));
            }
            out
        });
    }
    let mut results = Vec::with_capacity(total);
    while let Some(joined) = set.join_next().await {
        // A job's future has no panicking path; a panic would be a bug worth seeing.
        results.extend(joined.expect("a live check job panicked"));
    }
    if settings.progress {
        eprintln!();
    }
    results.sort_by_key(|(i, _, _)| *i);
    results.into_iter().map(|(_, job, done)| (job, done)).collect()
}

async fn one(net: &Net, limit: &RateLimit, job: &Job, policy: Policy) -> Done {
    match job {
        Job::Server(t) => Done::Server(server::check(net, t, policy).await, super::time::now()),
        Job::Domain(d) => Done::Domain(domain::check(net, limit, d).await),
        Job::Link(l) => Done::Link(links::check(net, limit, &l.url).await),
    }
}

/// The job's result when the run ended before its turn.
fn deadline(job: &Job) -> Done {
    let fail = Fail::Deadline;
    match job {
        Job::Server(t) => Done::Server(
            server::Checked {
                findings: vec![Finding::warning(
                    "live-not-checked",
                    "host",
                    format!(
                        "{} server {}:{} not checked: {fail}",
                        t.protocol.name(),
                        t.host,
                        t.port_written
                    ),
                )],
                ..Default::default()
            },
            super::time::now(),
        ),
        Job::Domain(d) => Done::Domain(domain::Checked {
            findings: vec![Finding::warning(
                "live-not-checked",
                "domain",
                format!("{} not checked: {fail}", d.domain),
            )],
            ..Default::default()
        }),
        Job::Link(l) => Done::Link(Some(Finding::warning(
            "live-not-checked",
            "url",
            format!("{} not checked: {fail}", l.url),
        ))),
    }
}
