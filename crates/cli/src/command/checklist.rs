//! `judicial checklist`: one channel's request checklist as a numbered list
//! a person can follow (text or Markdown), or JSON.

use judicial_domain::{Matter, Topic};
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::router_service_client::RouterServiceClient;
use serde_json::json;

use super::{Context, Service, parse_assistance, parse_date, parse_matter};
use crate::cli::ChecklistArgs;
use crate::error::CliError;
use crate::output::{self, bold, dim, yellow};

/// Prints the checklist of the primary channel, or of `--channel N`.
pub async fn checklist(ctx: &Context, args: ChecklistArgs) -> Result<(), CliError> {
    let matter = parse_matter(&args.matter)?;
    let assistance = parse_assistance(&args.assistance)?;
    let markdown = match args.format.as_deref() {
        None | Some("text") => false,
        Some("markdown" | "md") => true,
        Some(other) => {
            return Err(CliError::Usage(format!(
                "--format {other:?}: use text or markdown"
            )));
        }
    };
    let direction = match args.direction.as_deref() {
        None => pb::Direction::Unspecified,
        Some("outgoing" | "out") => pb::Direction::Outgoing,
        Some("incoming" | "in") => pb::Direction::Incoming,
        Some(other) => {
            return Err(CliError::Usage(format!(
                "--direction {other:?}: use outgoing or incoming"
            )));
        }
    };
    let on_date = args
        .on
        .as_deref()
        .map(|d| parse_date(d, "--on"))
        .transpose()?;
    let request = pb::RouteRequest {
        counterpart: args.country.to_ascii_uppercase(),
        matter: convert::matter_to_proto(matter) as i32,
        assistance: convert::assistance_to_proto(assistance) as i32,
        on_date,
        offence: args.offence.unwrap_or_default(),
        direction: direction as i32,
        include_checklist: true,
        ..pb::RouteRequest::default()
    };
    let (url, channel) = ctx.channel(Service::Router)?;
    let answer = RouterServiceClient::new(channel)
        .route(ctx.request(request))
        .await
        .map_err(|s| CliError::from_status(&url, s))?
        .into_inner();
    let number = args.channel.unwrap_or(1);
    let Some(chosen) = number.checked_sub(1).and_then(|i| answer.channels.get(i)) else {
        let list: Vec<String> = answer
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. {} ({})", i + 1, c.title, output::channel_kind(c.kind)))
            .collect();
        return Err(CliError::Usage(format!(
            "--channel {number}: no such channel for {}; the channels are: {}",
            answer.counterpart,
            list.join("; ")
        )));
    };
    let who = Who {
        counterpart: &answer.counterpart,
        matter,
        assistance: assistance.as_str().replace('_', " "),
        direction,
    };
    if ctx.json() {
        output::json(&checklist_json(&answer, number, chosen, direction));
    } else if markdown {
        crate::out!("{}", markdown_text(&who, &answer, number, chosen));
    } else {
        print_text(&who, &answer, number, chosen);
    }
    Ok(())
}

/// What the checklist is for, in words.
struct Who<'a> {
    counterpart: &'a str,
    matter: Matter,
    assistance: String,
    direction: pb::Direction,
}

impl Who<'_> {
    fn headline(&self, on: &str) -> String {
        let matter = match self.matter {
            Matter::CivilCommercial => "civil and commercial",
            Matter::Criminal => "criminal",
        };
        let direction = match self.direction {
            pb::Direction::Incoming => format!("requests from {} to us", self.counterpart),
            pb::Direction::Outgoing => format!("our requests to {}", self.counterpart),
            pb::Direction::Unspecified => "either direction (one-way items labelled)".to_owned(),
        };
        format!(
            "{} · {matter} · {} · {direction} · on {on}",
            self.counterpart, self.assistance
        )
    }
}

fn topic_of(item: &pb::ChecklistItem) -> Topic {
    convert::topic_from_proto(item.topic).unwrap_or(Topic::Scope)
}

/// The line of an item: what to do, then where it comes from.
fn item_line(item: &pb::ChecklistItem) -> (String, String) {
    if !item.recorded {
        return ("not recorded".to_owned(), String::new());
    }
    let mut text = item.text.clone();
    if topic_of(item) == Topic::Duration {
        let when = if item.reported.is_some() {
            format!("reported {}", output::date(&item.reported))
        } else {
            "date of report not recorded".to_owned()
        };
        text = format!("As reported, not promised ({when}): {text}");
    }
    if !item.direction_label.is_empty() {
        text = format!("[{}] {text}", item.direction_label);
    }
    let origin = match item.origin.as_str() {
        "home_law" => "home law: ",
        "counterpart" => "counterpart: ",
        _ => "",
    };
    let basis = if item.article.is_empty() {
        format!("{origin}{}, article not recorded", item.instrument_title)
    } else {
        format!("{origin}{}, {}", item.instrument_title, item.article)
    };
    (text, basis)
}

fn print_text(who: &Who<'_>, answer: &pb::RouteResponse, number: usize, c: &pb::Channel) {
    crate::outln!(
        "{} {}",
        bold("Checklist:"),
        who.headline(&output::date(&answer.on_date))
    );
    crate::outln!(
        "{} {number} of {}: {} ({}){}  · registry revision {}",
        bold("Channel"),
        answer.channels.len(),
        c.title,
        output::channel_kind(c.kind),
        if c.uncertain {
            format!(" — {}", yellow(&format!("uncertain: {}", c.uncertainty)))
        } else {
            String::new()
        },
        answer.revision
    );
    let field = |name: &str, value: &str| {
        if !value.is_empty() {
            crate::outln!("   {:<14}{}", dim(name), value);
        }
    };
    field("instrument", &c.instrument);
    field("articles", &c.articles);
    field("home", &c.home_authority);
    field("foreign", &c.foreign_authority);
    field("transmission", &c.transmission);
    let mut n = 0;
    let mut topic = None;
    for item in &c.checklist {
        let t = topic_of(item);
        if topic != Some(t) {
            crate::outln!("\n{}", bold(t.heading()));
            topic = Some(t);
        }
        n += 1;
        let (text, basis) = item_line(item);
        if item.recorded {
            crate::outln!("{n:>3}. {text}");
            crate::outln!("     {}", dim(&format!("({basis})")));
        } else {
            crate::outln!("{n:>3}. {}", dim(&text));
        }
        if !item.conflict.is_empty() {
            crate::outln!(
                "     {}",
                yellow(&format!("sources differ: {}", item.conflict))
            );
        }
        for s in &item.sources {
            crate::outln!("     {}", dim(&format!("source: {s}")));
        }
    }
}

fn markdown_text(
    who: &Who<'_>,
    answer: &pb::RouteResponse,
    number: usize,
    c: &pb::Channel,
) -> String {
    let mut out = format!(
        "# Request checklist: {}\n\nChannel {number} of {}: **{}** ({}), registry revision {}.\n",
        who.headline(&output::date(&answer.on_date)),
        answer.channels.len(),
        c.title,
        output::channel_kind(c.kind),
        answer.revision
    );
    for (name, value) in [
        ("Instrument", &c.instrument),
        ("Articles", &c.articles),
        ("Home authority", &c.home_authority),
        ("Foreign authority", &c.foreign_authority),
        ("Transmission", &c.transmission),
    ] {
        if !value.is_empty() {
            out.push_str(&format!("- {name}: {value}\n"));
        }
    }
    if c.uncertain {
        out.push_str(&format!("- Uncertain: {}\n", c.uncertainty));
    }
    let mut n = 0;
    let mut topic = None;
    for item in &c.checklist {
        let t = topic_of(item);
        if topic != Some(t) {
            out.push_str(&format!("\n## {}\n\n", t.heading()));
            topic = Some(t);
        }
        n += 1;
        let (text, basis) = item_line(item);
        if item.recorded {
            out.push_str(&format!("{n}. {text} *({basis})*"));
        } else {
            out.push_str(&format!("{n}. _{text}_"));
        }
        if !item.conflict.is_empty() {
            out.push_str(&format!("  \n   **Sources differ:** {}", item.conflict));
        }
        for s in &item.sources {
            out.push_str(&format!("  \n   Source: <{s}>"));
        }
        out.push('\n');
    }
    out
}

fn checklist_json(
    answer: &pb::RouteResponse,
    number: usize,
    c: &pb::Channel,
    direction: pb::Direction,
) -> serde_json::Value {
    json!({
        "counterpart": answer.counterpart,
        "on_date": output::date(&answer.on_date),
        "revision": answer.revision,
        "stale": answer.stale,
        "direction": direction.as_str_name(),
        "channel": {
            "number": number,
            "of": answer.channels.len(),
            "kind": output::channel_kind(c.kind),
            "instrument": c.instrument,
            "title": c.title,
            "articles": c.articles,
            "home_authority": c.home_authority,
            "foreign_authority": c.foreign_authority,
            "transmission": c.transmission,
            "uncertain": c.uncertain,
            "uncertainty": c.uncertainty,
        },
        "checklist": c.checklist.iter().enumerate().map(|(i, item)| json!({
            "number": i + 1,
            "topic": topic_of(item).as_str(),
            "recorded": item.recorded,
            "text": if item.recorded { item.text.clone() } else { "not recorded".to_owned() },
            "article": item.article,
            "origin": item.origin,
            "instrument": item.instrument,
            "instrument_title": item.instrument_title,
            "direction_label": item.direction_label,
            "conflict": item.conflict,
            "reported": output::date(&item.reported),
            "sources": item.sources,
            "notes": item.notes,
        })).collect::<Vec<_>>(),
    })
}
