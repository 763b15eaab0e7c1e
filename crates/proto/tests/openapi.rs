//! Generates the OpenAPI 3 document of the JSON/HTTP API from the checked-in
//! descriptor set (its `google.api.http` rules and comments) and fails when
//! `src/gen/judicial.v1.openapi.json` differs.
//!
//! Set `JUDICIAL_REGENERATE=1` to write it instead.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use prost_reflect::{
    DescriptorPool, FileDescriptor, Kind, MessageDescriptor, MethodDescriptor, Value,
};
use serde_json::{Map, Value as Json, json};

/// Leading comments by (file, descriptor path).
struct Comments(BTreeMap<(String, Vec<i32>), String>);

impl Comments {
    fn read(pool: &DescriptorPool) -> Comments {
        let mut map = BTreeMap::new();
        for file in pool.files() {
            let proto = file.file_descriptor_proto();
            for location in proto
                .source_code_info
                .iter()
                .flat_map(|info| &info.location)
            {
                if let Some(comment) = &location.leading_comments {
                    let text = comment
                        .lines()
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .join(" ")
                        .trim()
                        .to_owned();
                    map.insert((file.name().to_owned(), location.path.clone()), text);
                }
            }
        }
        Comments(map)
    }

    fn of(&self, file: &FileDescriptor, path: &[i32]) -> Option<&str> {
        self.0
            .get(&(file.name().to_owned(), path.to_vec()))
            .map(String::as_str)
    }
}

struct Rule {
    method: &'static str,
    template: String,
    body: Option<String>,
}

fn http_rule(pool: &DescriptorPool, rpc: &MethodDescriptor) -> Option<Rule> {
    let http = pool.get_extension_by_name("google.api.http")?;
    let options = rpc.options();
    if !options.has_extension(&http) {
        return None;
    }
    let Value::Message(rule) = options.get_extension(&http).into_owned() else {
        return None;
    };
    let string = |name: &str| match rule.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (method, template) = [
        ("get", "get"),
        ("post", "post"),
        ("patch", "patch"),
        ("put", "put"),
        ("delete", "delete"),
    ]
    .into_iter()
    .find_map(|(m, f)| string(f).map(|t| (m, t)))?;
    Some(Rule {
        method,
        template,
        body: string("body"),
    })
}

/// `/v1/{name=instruments/*}` → (`/v1/instruments/{instrument}`, the
/// variables: (OpenAPI name, field path, resource prefix)).
fn openapi_path(template: &str) -> (String, Vec<(String, String, String)>) {
    let mut out = String::new();
    let mut vars = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}').expect("a closed variable");
        let inner = &rest[start + 1..end];
        let (field, pattern) = inner.split_once('=').unwrap_or((inner, "*"));
        let prefix = pattern.trim_end_matches('*').to_owned();
        let name = match prefix.trim_end_matches('/').rsplit('/').next() {
            Some(collection) if !collection.is_empty() => {
                collection.trim_end_matches('s').to_owned()
            }
            _ => field.replace('.', "_"),
        };
        out.push_str(&prefix);
        out.push('{');
        out.push_str(&name);
        out.push('}');
        vars.push((name, field.to_owned(), prefix));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    (out, vars)
}

fn schema_ref(message: &MessageDescriptor) -> Json {
    json!({ "$ref": format!("#/components/schemas/{}", message.full_name()) })
}

struct Generator<'a> {
    comments: &'a Comments,
    schemas: BTreeMap<String, Json>,
    pending: Vec<MessageDescriptor>,
    seen: BTreeSet<String>,
}

impl Generator<'_> {
    fn want(&mut self, message: &MessageDescriptor) {
        if self.seen.insert(message.full_name().to_owned()) {
            self.pending.push(message.clone());
        }
    }

    /// The JSON schema of a field's value (one element of a repeated field).
    fn value_schema(&mut self, kind: &Kind) -> Json {
        match kind {
            Kind::Bool => json!({ "type": "boolean" }),
            Kind::String => json!({ "type": "string" }),
            Kind::Bytes => json!({ "type": "string", "format": "byte" }),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
                json!({ "type": "integer", "format": "int32" })
            }
            Kind::Uint32 | Kind::Fixed32 => {
                json!({ "type": "integer", "format": "int64", "minimum": 0 })
            }
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
                json!({ "type": "string", "format": "int64" })
            }
            Kind::Uint64 | Kind::Fixed64 => json!({ "type": "string", "format": "uint64" }),
            Kind::Float => json!({ "type": "number", "format": "float" }),
            Kind::Double => json!({ "type": "number", "format": "double" }),
            Kind::Enum(e) => json!({
                "type": "string",
                "enum": e.values().map(|v| v.name().to_owned()).collect::<Vec<_>>(),
            }),
            Kind::Message(m) => match m.full_name() {
                "google.protobuf.Timestamp" => json!({ "type": "string", "format": "date-time" }),
                "google.protobuf.Duration" => {
                    json!({ "type": "string", "description": "seconds with an `s` suffix (`1.5s`)" })
                }
                "google.protobuf.FieldMask" => {
                    json!({ "type": "string", "description": "comma-separated lowerCamelCase field paths" })
                }
                "google.protobuf.Empty" => json!({ "type": "object" }),
                "google.protobuf.Any" => json!({
                    "type": "object",
                    "properties": { "@type": { "type": "string" } },
                    "additionalProperties": true,
                }),
                _ if m.is_map_entry() => {
                    let value = m.map_entry_value_field();
                    let inner = self.value_schema(&value.kind());
                    json!({ "type": "object", "additionalProperties": inner })
                }
                _ => {
                    self.want(m);
                    schema_ref(m)
                }
            },
        }
    }

    fn message_schema(&mut self, message: &MessageDescriptor) -> Json {
        let mut properties = Map::new();
        for field in message.fields() {
            let mut schema = if field.is_map() {
                self.value_schema(&field.kind())
            } else if field.is_list() {
                let item = self.value_schema(&field.kind());
                json!({ "type": "array", "items": item })
            } else {
                self.value_schema(&field.kind())
            };
            if let Some(text) = self.comments.of(&field.parent_file(), field.path()) {
                if schema.get("$ref").is_some() {
                    schema = json!({ "allOf": [schema], "description": text });
                } else {
                    schema["description"] = json!(text);
                }
            }
            properties.insert(field.json_name().to_owned(), schema);
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if let Some(text) = self.comments.of(&message.parent_file(), message.path()) {
            schema["description"] = json!(text);
        }
        schema
    }

    /// Query parameters for the fields of `message` not bound elsewhere:
    /// scalars, enums, repeated scalars, and nested messages' scalars as
    /// `parent.child`; dates also as one `YYYY-MM-DD` parameter.
    fn query_parameters(
        &mut self,
        message: &MessageDescriptor,
        prefix: &str,
        bound: &BTreeSet<String>,
        out: &mut Vec<Json>,
    ) {
        for field in message.fields() {
            let name = format!("{prefix}{}", field.name());
            if bound.contains(&name) || field.is_map() {
                continue;
            }
            let description = self
                .comments
                .of(&field.parent_file(), field.path())
                .unwrap_or("")
                .to_owned();
            match field.kind() {
                Kind::Message(m) if m.full_name() == "judicial.v1.Date" => out.push(json!({
                    "name": name,
                    "in": "query",
                    "description": format!("{description} As `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (or `{name}.year`, `{name}.month`, `{name}.day`)."),
                    "schema": { "type": "string", "example": "1987-06-01" },
                })),
                Kind::Message(m)
                    if !m.full_name().starts_with("google.protobuf.") && !field.is_list() =>
                {
                    if prefix.matches('.').count() < 2 {
                        self.query_parameters(&m, &format!("{name}."), bound, out);
                    }
                }
                Kind::Message(m) if field.is_list() || m.full_name() == "google.protobuf.Any" => {}
                kind => {
                    let value = self.value_schema(&kind);
                    let schema = if field.is_list() {
                        json!({ "type": "array", "items": value })
                    } else {
                        value
                    };
                    let mut parameter = json!({
                        "name": name,
                        "in": "query",
                        "schema": schema,
                    });
                    if field.is_list() {
                        parameter["explode"] = json!(true);
                    }
                    if !description.is_empty() {
                        parameter["description"] = json!(description);
                    }
                    out.push(parameter);
                }
            }
        }
    }
}

fn generate() -> String {
    let pool = DescriptorPool::decode(judicial_proto::FILE_DESCRIPTOR_SET).unwrap();
    let comments = Comments::read(&pool);
    let mut generator = Generator {
        comments: &comments,
        schemas: BTreeMap::new(),
        pending: Vec::new(),
        seen: BTreeSet::new(),
    };
    let status = pool.get_message_by_name("google.rpc.Status").unwrap();
    generator.want(&status);
    for detail in [
        "BadRequest",
        "ErrorInfo",
        "PreconditionFailure",
        "RetryInfo",
    ] {
        generator.want(
            &pool
                .get_message_by_name(&format!("google.rpc.{detail}"))
                .unwrap(),
        );
    }
    let mut paths: BTreeMap<String, Map<String, Json>> = BTreeMap::new();
    let mut tags = Vec::new();
    for service in pool.services() {
        if !service.full_name().starts_with("judicial.") {
            continue;
        }
        let mut tag = json!({ "name": service.name() });
        if let Some(text) = comments.of(&service.parent_file(), service.path()) {
            tag["description"] = json!(text);
        }
        tags.push(tag);
        for rpc in service.methods() {
            let Some(rule) = http_rule(&pool, &rpc) else {
                continue;
            };
            let (path, vars) = openapi_path(&rule.template);
            let mut parameters = Vec::new();
            let mut bound = BTreeSet::new();
            for (name, field, prefix) in &vars {
                parameters.push(json!({
                    "name": name,
                    "in": "path",
                    "required": true,
                    "description": format!("The request's `{field}` is `{prefix}{{{name}}}`."),
                    "schema": { "type": "string" },
                }));
                bound.insert(field.clone());
            }
            let mut operation = json!({
                "operationId": format!("{}_{}", service.name(), rpc.name()),
                "tags": [service.name()],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": { "application/json": { "schema": generator.value_schema(&Kind::Message(rpc.output())) } },
                    },
                    "default": {
                        "description": "An error: the google.rpc.Status with its details (BadRequest field violations, ErrorInfo reason), under the HTTP status of its code.",
                        "content": { "application/json": { "schema": schema_ref(&status) } },
                    },
                },
            });
            if let Some(text) = comments.of(&rpc.parent_file(), rpc.path()) {
                operation["summary"] = json!(text);
            }
            let input = rpc.input();
            match rule.body.as_deref() {
                Some("*") => {
                    generator.want(&input);
                    operation["requestBody"] = json!({
                        "required": true,
                        "content": { "application/json": { "schema": schema_ref(&input) } },
                    });
                }
                Some(field) => {
                    let f = input.get_field_by_name(field).unwrap();
                    let schema = generator.value_schema(&f.kind());
                    operation["requestBody"] = json!({
                        "required": true,
                        "content": { "application/json": { "schema": schema } },
                    });
                    bound.insert(field.to_owned());
                    generator.query_parameters(&input, "", &bound, &mut parameters);
                }
                None => generator.query_parameters(&input, "", &bound, &mut parameters),
            }
            if !parameters.is_empty() {
                operation["parameters"] = json!(parameters);
            }
            paths
                .entry(path)
                .or_default()
                .insert(rule.method.to_owned(), operation);
        }
    }
    while let Some(message) = generator.pending.pop() {
        let schema = generator.message_schema(&message);
        generator
            .schemas
            .insert(message.full_name().to_owned(), schema);
    }
    let document = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Judicial Channels",
            "version": "v1",
            "description": "The JSON/HTTP form of the judicial.v1 gRPC contract, generated from its google.api.http rules (AIP-127). Bodies and answers follow the protobuf JSON mapping (lowerCamelCase fields, enum value names, 64-bit integers as strings); errors are google.rpc.Status. Query parameters name fields by their proto name.",
            "license": { "name": "Apache-2.0" },
        },
        "tags": tags,
        "paths": paths,
        "components": { "schemas": generator.schemas },
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap();
    text.push('\n');
    text
}

#[test]
fn openapi_document_matches_proto() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gen/judicial.v1.openapi.json");
    let fresh = generate();
    if std::env::var_os("JUDICIAL_REGENERATE").is_some() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == fresh,
        "crates/proto/src/gen/judicial.v1.openapi.json is out of date with proto/: \
         run `JUDICIAL_REGENERATE=1 cargo test -p judicial-proto --test openapi`"
    );
}

#[test]
fn openapi_document_describes_route_and_errors() {
    let doc: Json = serde_json::from_str(&generate()).unwrap();
    let route = &doc["paths"]["/v1/route"]["get"];
    let names: Vec<&str> = route["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for want in ["counterpart", "matter", "assistance", "on_date", "offence"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert_eq!(
        doc["paths"]["/v1/instruments/{instrument}"]["get"]["operationId"],
        "RegistryService_GetInstrument"
    );
    assert!(doc["components"]["schemas"]["google.rpc.BadRequest"].is_object());
    assert!(doc["paths"]["/v1/instruments"]["post"]["requestBody"].is_object());
}
