//! The `google.api.http` rules of the contract, read from the checked-in
//! descriptor set, and the matching of request paths against their
//! templates (`/v1/{name=instruments/*}`).

use prost_reflect::{DescriptorPool, FieldDescriptor, MessageDescriptor, MethodDescriptor, Value};

/// Where an HTTP request's body goes in the protobuf request.
#[derive(Debug, Clone)]
pub enum BodyTarget {
    /// No body: every field comes from the path and the query.
    None,
    /// `body: "*"`: the body is the whole request message.
    Whole,
    /// `body: "instrument"`: the body is this field.
    Field(FieldDescriptor),
}

/// One HTTP binding of an RPC.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The HTTP method.
    pub method: http::Method,
    /// The path template as written (`/v1/{name=instruments/*}`).
    pub template: String,
    segments: Vec<Segment>,
    verb: Option<String>,
    /// Where the body goes.
    pub body: BodyTarget,
    /// The RPC.
    pub rpc: MethodDescriptor,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    /// A variable bound to a field path, matching these pattern segments
    /// (`*` is any one segment).
    Variable {
        field: Vec<String>,
        pattern: Vec<String>,
    },
}

/// The value a path variable bound to a field (`name` = `instruments/x`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The field path (`instrument.name`).
    pub field: Vec<String>,
    /// The decoded value.
    pub value: String,
}

impl Rule {
    /// The gRPC path of the RPC (`/judicial.v1.RouterService/Route`).
    pub fn grpc_path(&self) -> String {
        format!(
            "/{}/{}",
            self.rpc.parent_service().full_name(),
            self.rpc.name()
        )
    }

    /// The request message.
    pub fn input(&self) -> MessageDescriptor {
        self.rpc.input()
    }

    /// The path variables, in order, as field paths (`instrument.name`).
    pub fn variables(&self) -> impl Iterator<Item = String> + '_ {
        self.segments.iter().filter_map(|s| match s {
            Segment::Variable { field, .. } => Some(field.join(".")),
            Segment::Literal(_) => None,
        })
    }

    /// Matches a request path, returning the path variables' values.
    pub fn matches(&self, path: &str) -> Option<Vec<Binding>> {
        let path = path.strip_prefix('/')?;
        let path = match &self.verb {
            Some(verb) => path.strip_suffix(verb.as_str())?.strip_suffix(':')?,
            None => path,
        };
        let parts: Vec<&str> = path.split('/').collect();
        let mut at = 0;
        let mut bindings = Vec::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(literal) => {
                    if parts.get(at) != Some(&literal.as_str()) {
                        return None;
                    }
                    at += 1;
                }
                Segment::Variable { field, pattern } => {
                    let taken = parts.get(at..at + pattern.len())?;
                    for (part, want) in taken.iter().zip(pattern) {
                        if part.is_empty() || (want != "*" && part != want) {
                            return None;
                        }
                    }
                    let value = taken
                        .iter()
                        .map(|p| percent_decode(p, false))
                        .collect::<Vec<_>>()
                        .join("/");
                    bindings.push(Binding {
                        field: field.clone(),
                        value,
                    });
                    at += pattern.len();
                }
            }
        }
        (at == parts.len()).then_some(bindings)
    }
}

/// Reads every `google.api.http` rule of the unary RPCs in `pool`, in
/// declaration order (streaming RPCs have none and stay gRPC-only).
pub fn read(pool: &DescriptorPool) -> Vec<Rule> {
    let Some(http) = pool.get_extension_by_name("google.api.http") else {
        return Vec::new();
    };
    let mut rules = Vec::new();
    for service in pool.services() {
        for rpc in service.methods() {
            let options = rpc.options();
            if !options.has_extension(&http) {
                continue;
            }
            if let Value::Message(rule) = options.get_extension(&http).as_ref() {
                if let Some(rule) = parse_rule(rule, &rpc) {
                    rules.push(rule);
                }
                if let Some(Value::List(more)) =
                    rule.get_field_by_name("additional_bindings").as_deref()
                {
                    for extra in more {
                        if let Value::Message(extra) = extra
                            && let Some(rule) = parse_rule(extra, &rpc)
                        {
                            rules.push(rule);
                        }
                    }
                }
            }
        }
    }
    rules
}

fn parse_rule(rule: &prost_reflect::DynamicMessage, rpc: &MethodDescriptor) -> Option<Rule> {
    let string = |name: &str| match rule.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (method, template) = [
        (http::Method::GET, "get"),
        (http::Method::POST, "post"),
        (http::Method::PATCH, "patch"),
        (http::Method::PUT, "put"),
        (http::Method::DELETE, "delete"),
    ]
    .into_iter()
    .find_map(|(method, field)| string(field).map(|t| (method, t)))?;
    let body = match string("body").as_deref() {
        None => BodyTarget::None,
        Some("*") => BodyTarget::Whole,
        Some(field) => BodyTarget::Field(rpc.input().get_field_by_name(field)?),
    };
    let (segments, verb) = parse_template(&template)?;
    Some(Rule {
        method,
        template,
        segments,
        verb,
        body,
        rpc: rpc.clone(),
    })
}

fn parse_template(template: &str) -> Option<(Vec<Segment>, Option<String>)> {
    let rest = template.strip_prefix('/')?;
    // A verb is a `:name` after the last segment (outside any variable).
    let (rest, verb) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('}') && !rest[i..].contains('/') => {
            (&rest[..i], Some(rest[i + 1..].to_owned()))
        }
        _ => (rest, None),
    };
    let mut segments = Vec::new();
    let mut chars = rest;
    while !chars.is_empty() {
        if let Some(inner) = chars.strip_prefix('{') {
            let end = inner.find('}')?;
            let (field, pattern) = match inner[..end].split_once('=') {
                Some((field, pattern)) => (field, pattern.split('/').map(str::to_owned).collect()),
                None => (&inner[..end], vec!["*".to_owned()]),
            };
            segments.push(Segment::Variable {
                field: field.split('.').map(str::to_owned).collect(),
                pattern,
            });
            chars = inner[end + 1..]
                .strip_prefix('/')
                .unwrap_or(&inner[end + 1..]);
        } else {
            let end = chars.find('/').unwrap_or(chars.len());
            segments.push(Segment::Literal(chars[..end].to_owned()));
            chars = chars[end..].strip_prefix('/').unwrap_or("");
        }
    }
    Some((segments, verb))
}

/// Decodes `%XX` escapes (and `+` as a space in query strings).
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<Rule> {
        read(&DescriptorPool::decode(judicial_proto::FILE_DESCRIPTOR_SET).unwrap())
    }

    fn find<'a>(rules: &'a [Rule], rpc: &str) -> &'a Rule {
        rules.iter().find(|r| r.rpc.name() == rpc).unwrap()
    }

    #[test]
    fn templates_match_paths_and_bind_variables() {
        let rules = rules();
        let get = find(&rules, "GetInstrument");
        assert_eq!(
            get.matches("/v1/instruments/cn-fr-civil-1987"),
            Some(vec![Binding {
                field: vec!["name".into()],
                value: "instruments/cn-fr-civil-1987".into()
            }])
        );
        assert_eq!(get.matches("/v1/instruments"), None);
        assert_eq!(get.matches("/v1/instruments/a/b"), None);
        assert_eq!(get.matches("/v1/jurisdictions/FR"), None);
        let batch = find(&rules, "BatchRoute");
        assert_eq!(batch.matches("/v1/route:batch"), Some(vec![]));
        assert_eq!(batch.matches("/v1/route"), None);
        assert_eq!(find(&rules, "Route").matches("/v1/route:batch"), None);
        let ack = find(&rules, "AckEvents");
        assert_eq!(
            ack.matches("/v1/subscriptions/ministry%20x:ack").unwrap()[0].value,
            "subscriptions/ministry x"
        );
        let update = find(&rules, "UpdateInstrument");
        assert_eq!(update.variables().collect::<Vec<_>>(), ["instrument.name"]);
    }

    #[test]
    fn streaming_rpcs_have_no_rule() {
        let rules = rules();
        assert!(rules.iter().all(|r| !r.rpc.is_server_streaming()));
        assert!(rules.len() >= 20, "{} rules", rules.len());
    }
}
