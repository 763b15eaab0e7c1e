//! Building the protobuf request of an HTTP call from its path variables,
//! query parameters and JSON body, by the protobuf JSON mapping: fields by
//! their proto or JSON name, enums by value name, nested fields by
//! `on_date.year`, dates also as `1987-06-01`.

use judicial_domain::validation::Violations;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, ReflectMessage, Value,
};

use super::rules::{Binding, BodyTarget, Rule, percent_decode};

/// Builds the request message of `rule`, listing every problem found.
pub fn build(
    rule: &Rule,
    bindings: &[Binding],
    query: Option<&str>,
    body: &[u8],
) -> Result<DynamicMessage, Violations> {
    let mut violations = Violations::default();
    let mut message = DynamicMessage::new(rule.input());
    match &rule.body {
        BodyTarget::None => {}
        BodyTarget::Whole => {
            if let Some(parsed) = parse_json(rule.input(), body, "body", &mut violations) {
                message = parsed;
            }
        }
        BodyTarget::Field(field) => {
            if let Kind::Message(desc) = field.kind()
                && let Some(parsed) = parse_json(desc, body, field.name(), &mut violations)
            {
                message.set_field(field, Value::Message(parsed));
            }
        }
    }
    for binding in bindings {
        let path: Vec<&str> = binding.field.iter().map(String::as_str).collect();
        if let Err(problem) = set(&mut message, &path, &binding.value) {
            violations.add(binding.field.join("."), problem);
        }
    }
    for (name, value) in query.into_iter().flat_map(pairs) {
        if matches!(rule.body, BodyTarget::Whole) {
            violations.add(
                &name,
                "query parameters are not accepted here: send every field in the JSON body",
            );
            continue;
        }
        let path: Vec<&str> = name.split('.').collect();
        if let Err(problem) = set(&mut message, &path, &value) {
            violations.add(&name, problem);
        }
    }
    violations.into_result().map(|()| message)
}

fn parse_json(
    desc: MessageDescriptor,
    body: &[u8],
    field: &str,
    violations: &mut Violations,
) -> Option<DynamicMessage> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Some(DynamicMessage::new(desc));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match DynamicMessage::deserialize(desc.clone(), &mut deserializer)
        .and_then(|m| deserializer.end().map(|()| m))
    {
        Ok(message) => Some(message),
        Err(e) => {
            violations.add(field, format!("not a valid {} in JSON: {e}", desc.name()));
            None
        }
    }
}

/// Splits a query string into decoded `name=value` pairs.
fn pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(name, true), percent_decode(value, true))
    })
}

fn field_named(desc: &MessageDescriptor, name: &str) -> Option<FieldDescriptor> {
    desc.get_field_by_name(name)
        .or_else(|| desc.get_field_by_json_name(name))
}

/// Sets the field at `path` (a repeated field gets one more element) from
/// its text form.
fn set(message: &mut DynamicMessage, path: &[&str], text: &str) -> Result<(), String> {
    let desc = message.descriptor();
    let Some((first, rest)) = path.split_first() else {
        return Err("empty field name".into());
    };
    let Some(field) = field_named(&desc, first) else {
        return Err(format!(
            "unknown field: {} has no field {first:?}",
            desc.name()
        ));
    };
    if !rest.is_empty() {
        if field.is_list() || field.is_map() {
            return Err(format!("{first} is repeated: send it in a JSON body"));
        }
        return match message.get_field_mut(&field) {
            Value::Message(inner) => set(inner, rest, text),
            _ => Err(format!("{first} has no fields")),
        };
    }
    if field.is_map() {
        return Err(format!("{first} is a map: send it in a JSON body"));
    }
    let value = parse_value(&field.kind(), text)?;
    if field.is_list() {
        if let Value::List(list) = message.get_field_mut(&field) {
            list.push(value);
        }
    } else {
        message.set_field(&field, value);
    }
    Ok(())
}

fn parse_value(kind: &Kind, text: &str) -> Result<Value, String> {
    fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
        text.parse().map_err(|_| format!("{text:?} is not {what}"))
    }
    Ok(match kind {
        Kind::String => Value::String(text.to_owned()),
        Kind::Bool => match text {
            "true" | "1" | "" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(format!("{text:?} is not true or false")),
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            Value::I32(number(text, "a 32-bit integer")?)
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            Value::I64(number(text, "a 64-bit integer")?)
        }
        Kind::Uint32 | Kind::Fixed32 => Value::U32(number(text, "a non-negative 32-bit integer")?),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(number(text, "a non-negative integer")?),
        Kind::Float => Value::F32(number(text, "a number")?),
        Kind::Double => Value::F64(number(text, "a number")?),
        Kind::Bytes => return Err("bytes fields are only accepted in a JSON body".into()),
        Kind::Enum(desc) => {
            let value = desc
                .get_value_by_name(text)
                .or_else(|| text.parse().ok().and_then(|n| desc.get_value(n)));
            match value {
                Some(value) => Value::EnumNumber(value.number()),
                None => {
                    let names: Vec<_> = desc.values().map(|v| v.name().to_owned()).collect();
                    return Err(format!(
                        "{text:?} is not a {}: one of {}",
                        desc.name(),
                        names.join(", ")
                    ));
                }
            }
        }
        Kind::Message(desc) if desc.full_name() == "judicial.v1.Date" => {
            Value::Message(parse_date(desc, text)?)
        }
        // Well-known types with a string JSON form (Timestamp, Duration,
        // FieldMask) parse as that string.
        Kind::Message(desc) => {
            DynamicMessage::deserialize(desc.clone(), serde_json::Value::String(text.into()))
                .map(Value::Message)
                .map_err(|e| format!("{text:?} is not a {}: {e}", desc.name()))?
        }
    })
}

/// `1987`, `1987-06` or `1987-06-01`.
fn parse_date(desc: &MessageDescriptor, text: &str) -> Result<DynamicMessage, String> {
    let bad = || format!("{text:?} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
    let mut parts = text.split('-');
    let mut next = |width: usize| -> Result<Option<i32>, String> {
        match parts.next() {
            None => Ok(None),
            Some(p) if p.len() == width && p.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Some(p.parse().map_err(|_| bad())?))
            }
            Some(_) => Err(bad()),
        }
    };
    let year = next(4)?.ok_or_else(bad)?;
    let month = next(2)?.unwrap_or(0);
    let day = next(2)?.unwrap_or(0);
    if parts.next().is_some() {
        return Err(bad());
    }
    let mut date = DynamicMessage::new(desc.clone());
    date.set_field_by_name("year", Value::I32(year));
    date.set_field_by_name("month", Value::I32(month));
    date.set_field_by_name("day", Value::I32(day));
    Ok(date)
}
