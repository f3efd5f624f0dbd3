//! The typed job model: what Nomad's jobspec says once parsed, evaluated and
//! canonicalised. Field names follow Nomad's API structs (`api/jobs.go`,
//! `api/tasks.go`, `api/resources.go`) so the diff and the scheduler can speak
//! Nomad's language. Every struct carries [`Spans`]: which fields were written
//! in the file (and where); a field without a span holds Nomad's default.

mod connect;
mod gateway;
mod job;
mod policy;
mod resources;
mod servers;
mod task;
mod value_serde;
mod workload;

pub use connect::*;
pub use gateway::*;
pub use job::*;
pub use policy::*;
pub use resources::*;
pub use servers::*;
pub use task::*;
pub use workload::*;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::source::{Source, Span};

/// Which fields of one block were written, and where. Field keys are the
/// HCL attribute or block names (`"count"`, `"priority"`, `"resources"`).
///
/// Spans never take part in equality: the same spec with other whitespace
/// or comments is the same job to Nomad (an unchanged re-plan must `ignore`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Spans {
    /// The whole block (or the labelled header for labelled blocks).
    pub block: Option<Span>,
    /// The block's label (`job "x"`, `group "x"`, `task "x"`), if any.
    pub label: Option<Span>,
    /// Shared between copies (`None` when no field was written): a job
    /// is copied whole for each admission, change-set step and plan, and
    /// one allocation per block's spans was about a third of each copy.
    #[serde(with = "field_names")]
    fields: Option<Arc<Vec<(&'static str, Span)>>>,
}

/// The field names of [`Spans`] as stored in the job-load and world caches:
/// written as strings, read back as the `&'static str` the lowering writes
/// (each distinct name is made static once per process, so a cache read
/// costs no more than the names it holds).
///
/// Read without a `String` a name: borrowed from the entry's bytes when the
/// format lends them (postcard does), looked up under one lock a list, with
/// foldhash. A name a `String`, SipHash and a lock each were a fifth of
/// decoding the demo's running jobs from the world cache (92 K of 444 K
/// instructions, callgrind, issue 17's hook).
mod field_names {
    use super::Span;
    use serde::de::{SeqAccess, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::borrow::Cow;
    use std::collections::HashSet;
    use std::sync::{Arc, Mutex};

    type Fields = Option<Arc<Vec<(&'static str, Span)>>>;
    type Names = HashSet<&'static str, foldhash::fast::FixedState>;

    /// A sequence, empty for `None`: the bytes the plain list wrote.
    pub fn serialize<S: Serializer>(v: &Fields, s: S) -> Result<S::Ok, S::Error> {
        v.as_deref().map_or(&[][..], Vec::as_slice).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fields, D::Error> {
        d.deserialize_seq(List)
    }

    struct List;

    impl<'de> Visitor<'de> for List {
        type Value = Fields;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of field names and spans")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Fields, A::Error> {
            // The hint comes from the input: a cap, not an allocation it sizes.
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
            let names = names.get_or_insert_with(Names::default);
            while let Some((Name(name), span)) = seq.next_element::<(Name<'de>, Span)>()? {
                out.push((intern(names, name), span));
            }
            Ok((!out.is_empty()).then(|| Arc::new(out)))
        }
    }

    static NAMES: Mutex<Option<Names>> = Mutex::new(None);

    fn intern(names: &mut Names, name: Cow<'_, str>) -> &'static str {
        if let Some(n) = names.get(name.as_ref()) {
            return n;
        }
        let n: &'static str = Box::leak(name.into_owned().into_boxed_str());
        names.insert(n);
        n
    }

    /// A field name as the format gives it: borrowed when it can.
    struct Name<'de>(Cow<'de, str>);

    impl<'de> Deserialize<'de> for Name<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_str(NameVisitor)
        }
    }

    struct NameVisitor;

    impl<'de> Visitor<'de> for NameVisitor {
        type Value = Name<'de>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a field name")
        }

        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
            Ok(Name(Cow::Borrowed(v)))
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name<'de>, E> {
            Ok(Name(Cow::Owned(v.to_owned())))
        }

        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Name<'de>, E> {
            Ok(Name(Cow::Owned(v)))
        }
    }
}

impl PartialEq for Spans {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Spans {}

impl Spans {
    pub fn new(block: Option<Span>) -> Self {
        Spans {
            block,
            label: None,
            fields: None,
        }
    }

    /// Record that `field` was written at `span` (the whole attribute).
    pub fn set(&mut self, field: &'static str, span: Span) {
        // A copy's own list from its first change (copies share until then).
        let fields = Arc::make_mut(self.fields.get_or_insert_with(Default::default));
        if let Some(slot) = fields.iter_mut().find(|(f, _)| *f == field) {
            slot.1 = span;
        } else {
            fields.push((field, span));
        }
    }

    fn list(&self) -> &[(&'static str, Span)] {
        self.fields.as_deref().map_or(&[], Vec::as_slice)
    }

    pub fn get(&self, field: &str) -> Option<Span> {
        self.list()
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, s)| *s)
    }

    /// Was the field written (as opposed to defaulted)?
    pub fn written(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Best span to point at for `field`: the field, else the block label, else the block.
    pub fn best(&self, field: &str) -> Option<Span> {
        self.get(field).or(self.label).or(self.block)
    }

    pub fn fields(&self) -> impl Iterator<Item = (&'static str, Span)> + '_ {
        self.list().iter().copied()
    }
}

/// A Go-style duration in nanoseconds (Nomad's diff prints nanoseconds).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Duration(pub i64);

impl Duration {
    pub const fn secs(s: i64) -> Self {
        Duration(s * 1_000_000_000)
    }
    pub const fn mins(m: i64) -> Self {
        Duration(m * 60 * 1_000_000_000)
    }
    pub const fn hours(h: i64) -> Self {
        Duration(h * 3600 * 1_000_000_000)
    }
    pub fn nanos(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Duration {
    /// Go's `time.Duration.String()` form: `10s`, `1m30s`, `1h0m0s`, `500ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        if self.0 < 0 {
            f.write_str("-")?;
        }
        // Unsigned, as Go's: the most negative duration has no positive twin.
        let n = self.0.unsigned_abs();
        if n < 1_000_000_000 {
            return if n < 1_000 {
                write!(f, "{n}ns")
            } else if n < 1_000_000 {
                write!(f, "{}µs", trim_frac(n as f64 / 1e3))
            } else {
                write!(f, "{}ms", trim_frac(n as f64 / 1e6))
            };
        }
        let h = n / 3_600_000_000_000;
        let m = (n / 60_000_000_000) % 60;
        let s_nanos = n % 60_000_000_000;
        let secs = trim_frac(s_nanos as f64 / 1e9);
        if h > 0 {
            write!(f, "{h}h{m}m{secs}s")
        } else if m > 0 {
            write!(f, "{m}m{secs}s")
        } else {
            write!(f, "{secs}s")
        }
    }
}

fn trim_frac(v: f64) -> String {
    let s = format!("{v:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum JobType {
    #[default]
    Service,
    Batch,
    System,
    Sysbatch,
}

impl JobType {
    pub fn as_str(self) -> &'static str {
        match self {
            JobType::Service => "service",
            JobType::Batch => "batch",
            JobType::System => "system",
            JobType::Sysbatch => "sysbatch",
        }
    }
    pub fn parse(s: &str) -> Option<JobType> {
        Some(match s {
            "service" => JobType::Service,
            "batch" => JobType::Batch,
            "system" => JobType::System,
            "sysbatch" => JobType::Sysbatch,
            _ => return None,
        })
    }
    /// System and sysbatch jobs place one allocation per feasible node.
    pub fn is_per_node(self) -> bool {
        matches!(self, JobType::System | JobType::Sysbatch)
    }
}

impl fmt::Display for JobType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A driver `config` value. Numbers are kept as written so the diff can print
/// them the way Nomad's JSON round trip does (float64, `%v`).
///
/// Serialised untagged for people (JSON: the value as written) and tagged
/// for the job-load cache, whose compact format cannot tell the variants
/// apart without the tag ([`value_serde`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    /// An integer hcl v1 read (a NUMBER token: a Go `int`, hcl decoder.go
    /// decodeInterface) that an f64 does not hold exactly (beyond 2^53).
    /// Only job files read as HCL1 (before 1.0) hold one: mapstructure's
    /// weak decoding prints it exactly into a string (`strconv.FormatInt`),
    /// where an f64 would have made `...432` and `...433` one value.
    /// Every smaller integer stays a [`Value::Number`], exact there.
    Int(i64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

impl Value {
    /// The value as Nomad's servers hold a `map[string]interface{}` the
    /// CLI sent (a driver's config, a scaling policy): the api job goes as
    /// JSON and the agent decodes it with encoding/json
    /// (command/agent/http.go decodeBody, 0.9.3 to 2.0.5), every number a
    /// float64. An hcl v1 int beyond 2^53 becomes the nearest float64
    /// (`as` rounds to nearest, ties to even, as strconv.ParseFloat does).
    pub fn through_json(self) -> Value {
        match self {
            Value::Int(n) => Value::Number(n as f64),
            Value::List(l) => Value::List(l.into_iter().map(Value::through_json).collect()),
            Value::Map(m) => {
                Value::Map(m.into_iter().map(|(k, v)| (k, v.through_json())).collect())
            }
            v => v,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

pub type Map = BTreeMap<String, String>;

/// What a block wrote that the typed model does not hold: arguments and
/// blocks the lowering never read, by path below the job, group or task
/// (`identity[vault].aud`, `template.wait`), as evaluated. It takes part in
/// equality, so a change to it makes a new job version and an edited task,
/// and the diff reports it as "changed but not modelled".
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Unmodelled(pub BTreeMap<String, Value>);

impl Unmodelled {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The file a job came from. Never part of job equality: the same spec read
/// from the working tree and from git is the same job.
#[derive(Debug, Clone, Default)]
pub struct Origin(pub Option<Source>);

/// What a job's load read, when that was only its text and its
/// [`LoadOptions`](crate::jobspec::LoadOptions): no file (`file()` and
/// friends, `-var-file`), no clock, no randomness (`uuidv4`, `bcrypt`), no
/// environment beyond the options. Loading the same text with equal options
/// then gives this same job, whatever file system or path it is read from,
/// so a caller holding this job may use it instead of loading again
/// ([`crate::job_loader::JobLoader::known`]).
///
/// Never part of job equality or of its `Debug` form (the placement cache
/// hashes that form). Not copied by `clone`: a copy may be edited (the
/// admission mutators, `-namespace`), after which it is no longer what the
/// text loads to; only the job the loader returned carries the proof.
#[derive(Default)]
pub struct ClosedLoad(pub Option<std::sync::Arc<ClosedInputs>>);

/// The whole input of a [`ClosedLoad`].
#[derive(Debug, PartialEq)]
pub struct ClosedInputs {
    pub text: std::sync::Arc<str>,
    pub opts: crate::jobspec::LoadOptions,
}

impl Clone for ClosedLoad {
    fn clone(&self) -> Self {
        ClosedLoad(None)
    }
}

impl PartialEq for ClosedLoad {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for ClosedLoad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClosedLoad")
    }
}

impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Job {
    pub fn group(&self, name: &str) -> Option<&TaskGroup> {
        self.groups.iter().find(|g| g.name == name)
    }
    pub fn group_mut(&mut self, name: &str) -> Option<&mut TaskGroup> {
        self.groups.iter_mut().find(|g| g.name == name)
    }
}

impl TaskGroup {
    pub fn task(&self, name: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.name == name)
    }
}

/// Job `j` of type `job_type` with one group `g` of one task `t`, all else
/// default: the smallest job unit tests build on.
#[cfg(test)]
pub(crate) fn one_task_job(job_type: JobType) -> Job {
    Job {
        id: "j".into(),
        job_type,
        groups: vec![TaskGroup {
            name: "g".into(),
            tasks: vec![Task {
                name: "t".into(),
                ..Task::default()
            }],
            ..TaskGroup::default()
        }],
        ..Job::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        assert_eq!(Duration::secs(10).to_string(), "10s");
        assert_eq!(Duration::secs(90).to_string(), "1m30s");
        assert_eq!(Duration::hours(1).to_string(), "1h0m0s");
        assert_eq!(Duration(500_000_000).to_string(), "500ms");
        assert_eq!(Duration(1_500_000_000).to_string(), "1.5s");
        assert_eq!(Duration(0).to_string(), "0s");
    }

    #[test]
    fn spans_remember_written_fields() {
        let mut s = Spans::new(Some(Span::new(0, 10)));
        assert!(!s.written("count"));
        s.set("count", Span::new(2, 5));
        assert_eq!(s.get("count"), Some(Span::new(2, 5)));
        assert_eq!(s.best("priority"), Some(Span::new(0, 10)));
    }

    #[test]
    fn a_copys_spans_change_alone() {
        let mut s = Spans::new(None);
        s.set("count", Span::new(2, 5));
        let mut copy = s.clone();
        copy.set("count", Span::new(7, 9));
        copy.set("meta", Span::new(10, 12));
        assert_eq!(s.get("count"), Some(Span::new(2, 5)));
        assert!(!s.written("meta"));
        assert_eq!(copy.get("count"), Some(Span::new(7, 9)));
        // The cache's bytes are the plain list's, `None` or not.
        let empty = serde_json::to_string(&Spans::new(None)).unwrap();
        assert!(empty.contains("\"fields\":[]"), "{empty}");
        let back: Spans = serde_json::from_str(&serde_json::to_string(&copy).unwrap()).unwrap();
        assert_eq!(
            back.fields().collect::<Vec<_>>(),
            copy.fields().collect::<Vec<_>>()
        );
    }

    /// The caches' format lends its names: they come back as the one
    /// static copy of each, whether borrowed (postcard) or owned (JSON's
    /// escaped strings), and an empty list as `None`.
    #[test]
    fn cached_field_names_come_back_interned() {
        let mut s = Spans::new(Some(Span::new(0, 1)));
        s.set("count", Span::new(2, 5));
        s.set("a-name-no-lowering-writes", Span::new(6, 8));
        let bytes = postcard::to_stdvec(&s).expect("encode");
        let one: Spans = postcard::from_bytes(&bytes).expect("decode");
        let two: Spans = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(
            one.fields().collect::<Vec<_>>(),
            s.fields().collect::<Vec<_>>()
        );
        for ((a, _), (b, _)) in one.list().iter().zip(two.list()) {
            assert!(std::ptr::eq(*a, *b), "{a} interned once");
        }
        let escaped =
            r#"{"block":null,"label":null,"fields":[["co\u0075nt",{"start":2,"end":5}]]}"#;
        let json: Spans = serde_json::from_str(escaped).expect("decode");
        assert!(std::ptr::eq(json.list()[0].0, one.list()[0].0));
        let none: Spans =
            postcard::from_bytes(&postcard::to_stdvec(&Spans::new(None)).expect("encode"))
                .expect("decode");
        assert!(none.fields.is_none());
    }
}
