//! The JetStream stream the sink publishes to: created when missing, with
//! the configured retention; checked when it exists, naming every setting
//! that would make the sink lose, repeat or never publish events.

use std::time::Duration;

use async_nats::jetstream::context::{CreateStreamErrorKind, GetStreamErrorKind};
use async_nats::jetstream::stream::{Config, DiscardPolicy, RetentionPolicy, StorageType, Stream};
use async_nats::jetstream::{self, ErrorCode};

use super::SinkError;
use crate::config::SinkArgs;

/// What the sink needs of its stream.
#[derive(Debug, Clone)]
pub struct StreamSpec {
    /// Stream name.
    pub name: String,
    /// `{prefix}.>`: the subjects it must capture.
    pub subjects: String,
    /// Retention by age when created (zero: none).
    pub max_age: Duration,
    /// Retention by size when created (None: none).
    pub max_bytes: Option<u64>,
    /// Duplicate window when created.
    pub duplicate_window: Duration,
    /// Replicas when created.
    pub replicas: usize,
}

impl StreamSpec {
    /// The spec the flags describe.
    pub fn from_args(args: &SinkArgs) -> StreamSpec {
        StreamSpec {
            name: args.stream.clone(),
            subjects: format!("{}.>", args.subject_prefix),
            max_age: args.max_age.unwrap_or(Duration::ZERO),
            max_bytes: args.max_bytes,
            duplicate_window: args.duplicate_window,
            replicas: args.replicas.max(1),
        }
    }

    /// The configuration of a stream created for the sink.
    pub fn config(&self) -> Config {
        Config {
            name: self.name.clone(),
            description: Some("Judicial Channels notifier events (CloudEvents JSON)".into()),
            subjects: vec![self.subjects.clone()],
            retention: RetentionPolicy::Limits,
            discard: DiscardPolicy::Old,
            storage: StorageType::File,
            max_age: self.max_age,
            max_bytes: self
                .max_bytes
                .map(|b| i64::try_from(b).unwrap_or(i64::MAX))
                .unwrap_or(-1),
            max_messages: -1,
            max_messages_per_subject: -1,
            duplicate_window: self.duplicate_window,
            num_replicas: self.replicas,
            ..Config::default()
        }
    }
}

/// Returns the stream, creating it when missing; an existing stream must
/// be [`compatible`].
pub async fn ensure(js: &jetstream::Context, spec: &StreamSpec) -> Result<Stream, SinkError> {
    let nats = |detail: String| SinkError::Stream {
        stream: spec.name.clone(),
        detail,
    };
    match js.get_stream(&spec.name).await {
        Ok(stream) => {
            let problems = compatible(&stream.cached_info().config, spec);
            if problems.is_empty() {
                Ok(stream)
            } else {
                Err(SinkError::Incompatible {
                    stream: spec.name.clone(),
                    problems,
                })
            }
        }
        Err(e)
            if matches!(e.kind(), GetStreamErrorKind::JetStream(ref j)
                if j.error_code() == ErrorCode::STREAM_NOT_FOUND) =>
        {
            let stream = js
                .create_stream(spec.config())
                .await
                .map_err(|e| match e.kind() {
                    CreateStreamErrorKind::JetStream(j) => nats(format!("cannot create: {j}")),
                    _ => nats(format!("cannot create: {e}")),
                })?;
            tracing::info!(
                stream = %spec.name,
                subjects = %spec.subjects,
                max_age_s = spec.max_age.as_secs(),
                max_bytes = spec.max_bytes.unwrap_or(0),
                duplicate_window_s = spec.duplicate_window.as_secs(),
                "sink stream created"
            );
            Ok(stream)
        }
        Err(e) => Err(nats(format!("cannot look it up: {e}"))),
    }
}

/// Every setting of an existing stream that is incompatible with the sink,
/// each as a sentence naming the setting and what to change (empty: fine).
pub fn compatible(config: &Config, spec: &StreamSpec) -> Vec<String> {
    let mut problems = Vec::new();
    if !config
        .subjects
        .iter()
        .any(|s| subject_covers(s, &spec.subjects))
    {
        problems.push(format!(
            "its subjects {:?} do not capture {} (add it, or pick another --sink-stream or --sink-subject-prefix)",
            config.subjects, spec.subjects
        ));
    }
    match config.retention {
        RetentionPolicy::Limits => {}
        RetentionPolicy::WorkQueue => problems.push(
            "its retention is workqueue: a message is deleted once one consumer acknowledged it, and filtered consumers may not overlap (use limits retention)".into(),
        ),
        RetentionPolicy::Interest => problems.push(
            "its retention is interest: events published while no consumer exists are dropped (use limits retention)".into(),
        ),
    }
    if config.no_ack {
        problems.push(
            "it does not acknowledge publishes (no_ack), so the sink could never move its cursor"
                .into(),
        );
    }
    if config.duplicate_window.is_zero() {
        problems.push(
            "its duplicate window is 0: an event republished after a crash would be stored twice"
                .into(),
        );
    }
    if config.max_messages_per_subject > 0 {
        problems.push(format!(
            "it keeps only {} messages per subject, so older events of a (type, counterpart) would be dropped",
            config.max_messages_per_subject
        ));
    }
    if config.sealed {
        problems.push("it is sealed and accepts no publishes".into());
    }
    if config.mirror.is_some() {
        problems.push("it is a mirror and accepts no publishes".into());
    }
    if config.discard == DiscardPolicy::New && (config.max_bytes > 0 || config.max_messages > 0) {
        // Not fatal: the sink lags (and says so) when the stream is full.
        tracing::warn!(
            stream = %spec.name,
            "the sink stream discards new messages when full: the sink will stop and lag until space is freed"
        );
    }
    problems
}

/// Whether the subject filter `filter` captures every subject `wanted`
/// captures (both may hold `*` and a trailing `>`).
pub fn subject_covers(filter: &str, wanted: &str) -> bool {
    let mut f = filter.split('.');
    let mut w = wanted.split('.');
    loop {
        match (f.next(), w.next()) {
            (Some(">"), Some(_)) => return true,
            (Some("*"), Some(t)) if t != ">" => {}
            (Some(a), Some(b)) if a == b && a != "*" && a != ">" => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> StreamSpec {
        StreamSpec {
            name: "JUDICIAL_EVENTS".into(),
            subjects: "judicial.events.>".into(),
            max_age: Duration::ZERO,
            max_bytes: None,
            duplicate_window: Duration::from_secs(120),
            replicas: 1,
        }
    }

    #[test]
    fn subject_coverage_table() {
        let wanted = "judicial.events.>";
        for (filter, covers) in [
            ("judicial.events.>", true),
            ("judicial.>", true),
            (">", true),
            ("*.events.>", true),
            ("judicial.events.*", false),
            ("judicial.events.*.*", false),
            ("judicial.other.>", false),
            ("judicial", false),
            ("judicial.events", false),
        ] {
            assert_eq!(subject_covers(filter, wanted), covers, "{filter}");
        }
        assert!(subject_covers("a.*.c", "a.b.c"));
        assert!(!subject_covers("a.b.c", "a.*.c"));
    }

    #[test]
    fn the_created_config_is_compatible_and_each_problem_is_named() {
        let spec = spec();
        assert!(compatible(&spec.config(), &spec).is_empty());
        let bad = Config {
            subjects: vec!["other.>".into()],
            retention: RetentionPolicy::WorkQueue,
            no_ack: true,
            duplicate_window: Duration::ZERO,
            max_messages_per_subject: 1,
            ..spec.config()
        };
        let problems = compatible(&bad, &spec);
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(problems[0].contains("do not capture judicial.events.>"));
        assert!(problems[1].contains("workqueue"));
        assert!(problems[2].contains("no_ack"));
        assert!(problems[3].contains("duplicate window is 0"));
        assert!(problems[4].contains("1 messages per subject"));
    }
}
