//! `judicial route` and `judicial coverage`.

use judicial_domain::Matter;
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::router_service_client::RouterServiceClient;
use serde_json::json;

use super::{Context, Service, parse_assistance, parse_date, parse_matter};
use crate::cli::{CoverageArgs, RouteArgs};
use crate::error::CliError;
use crate::output::{self, bold, dim, green, yellow};

fn matter_words(m: Matter) -> &'static str {
    match m {
        Matter::CivilCommercial => "civil and commercial",
        Matter::Criminal => "criminal",
    }
}

/// Answers a route query.
pub async fn route(ctx: &Context, args: RouteArgs) -> Result<(), CliError> {
    let matter = parse_matter(&args.matter)?;
    let assistance = parse_assistance(&args.assistance)?;
    let on_date = args
        .on
        .as_deref()
        .map(|d| parse_date(d, "--on"))
        .transpose()?;
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
    let view = match args.view.as_str() {
        "full" => pb::RouteView::Full,
        "basic" => pb::RouteView::Basic,
        other => {
            return Err(CliError::Usage(format!(
                "--view {other:?}: use full or basic"
            )));
        }
    };
    let request = pb::RouteRequest {
        view: view as i32,
        not_applicable_page_size: args.not_applicable,
        not_applicable_page_token: args.page_token.clone().unwrap_or_default(),
        direction: direction as i32,
        counterpart: args.country.to_ascii_uppercase(),
        matter: convert::matter_to_proto(matter) as i32,
        assistance: convert::assistance_to_proto(assistance) as i32,
        on_date,
        offence: args.offence.unwrap_or_default(),
        min_revision: args.min_revision,
        explain: args.explain,
        transmission: args.transmission.unwrap_or_default(),
        include_checklist: false,
    };
    let (url, channel) = ctx.channel(Service::Router)?;
    let answer = RouterServiceClient::new(channel)
        .route(ctx.request(request))
        .await
        .map_err(|s| CliError::from_status(&url, s))?
        .into_inner();
    if ctx.json() {
        output::json(&route_json(&answer));
        return Ok(());
    }
    crate::outln!(
        "{} {} · {} · {} · on {} · registry revision {}",
        bold("Channels with"),
        bold(&answer.counterpart),
        matter_words(matter),
        assistance.as_str().replace('_', " "),
        output::date(&answer.on_date),
        answer.revision
    );
    if answer.stale {
        let age = answer.view_age.as_ref().map(|d| d.seconds).unwrap_or(0);
        crate::outln!(
            "{}",
            yellow(&format!(
                "warning: the router has lost the registry; this answer is from a view {age}s old"
            ))
        );
    }
    for (i, c) in answer.channels.iter().enumerate() {
        crate::outln!();
        let label = output::channel_kind(c.kind).to_uppercase();
        let head = if i == 0 {
            green(&format!("{}. {label}", i + 1))
        } else {
            format!("{}. {label}", i + 1)
        };
        crate::outln!("{}  {}", bold(&head), c.title);
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
        if c.uncertain {
            field("uncertain", &yellow(&c.uncertainty));
        }
        for (k, cond) in c.conditions.iter().enumerate() {
            field(if k == 0 { "conditions" } else { "" }, &format!("- {cond}"));
        }
        for (k, line) in c.explanation.lines().enumerate() {
            field(if k == 0 { "why" } else { "" }, line);
        }
    }
    if !answer.not_applicable.is_empty() {
        crate::outln!("\n{}", bold("Not applicable"));
        let mut t = output::table(&["instrument", "reason"]);
        for n in &answer.not_applicable {
            t.add_row(vec![
                n.instrument.trim_start_matches("instruments/").to_owned(),
                n.reason.clone(),
            ]);
        }
        crate::outln!("{t}");
    }
    if answer.not_applicable_omitted > 0 {
        let more = if answer.next_not_applicable_page_token.is_empty() {
            "use --view full to list them".to_owned()
        } else {
            format!(
                "continue with --page-token {}",
                answer.next_not_applicable_page_token
            )
        };
        crate::outln!(
            "{}",
            dim(&format!(
                "{} more instruments do not apply; {more}",
                answer.not_applicable_omitted
            ))
        );
    }
    Ok(())
}

fn route_json(a: &pb::RouteResponse) -> serde_json::Value {
    json!({
        "counterpart": a.counterpart,
        "on_date": output::date(&a.on_date),
        "revision": a.revision,
        "stale": a.stale,
        "not_applicable_omitted": a.not_applicable_omitted,
        "next_not_applicable_page_token": a.next_not_applicable_page_token,
        "channels": a.channels.iter().map(|c| json!({
            "kind": output::channel_kind(c.kind),
            "instrument": c.instrument,
            "title": c.title,
            "articles": c.articles,
            "home_authority": c.home_authority,
            "foreign_authority": c.foreign_authority,
            "transmission": c.transmission,
            "conditions": c.conditions,
            "explanation": c.explanation,
            "uncertain": c.uncertain,
            "uncertainty": c.uncertainty,
        })).collect::<Vec<_>>(),
        "not_applicable": a.not_applicable.iter().map(|n| json!({
            "instrument": n.instrument,
            "title": n.title,
            "reason": n.reason,
            "code": pb::NotApplicableReason::try_from(n.code).map(|c| c.as_str_name()).unwrap_or("NOT_APPLICABLE_REASON_UNSPECIFIED"),
        })).collect::<Vec<_>>(),
    })
}

/// Lists every jurisdiction's primary channel.
pub async fn coverage(ctx: &Context, args: CoverageArgs) -> Result<(), CliError> {
    let assistance = parse_assistance(&args.assistance)?;
    let matter = match &args.matter {
        Some(m) => parse_matter(m)?,
        None => assistance.only_matter().unwrap_or(Matter::CivilCommercial),
    };
    if assistance.only_matter().is_some_and(|m| m != matter) {
        return Err(CliError::Usage(format!(
            "{} is a criminal matter",
            assistance.as_str()
        )));
    }
    let on_date = args
        .on
        .as_deref()
        .map(|d| parse_date(d, "--on"))
        .transpose()?;
    let (url, channel) = ctx.channel(Service::Router)?;
    let request = pb::GetCoverageRequest {
        matter: convert::matter_to_proto(matter) as i32,
        assistance: convert::assistance_to_proto(assistance) as i32,
        on_date,
    };
    let cov = RouterServiceClient::new(channel)
        .get_coverage(ctx.request(request))
        .await
        .map_err(|s| CliError::from_status(&url, s))?
        .into_inner();
    if ctx.json() {
        output::json(&json!({
            "on_date": output::date(&cov.on_date),
            "revision": cov.revision,
            "stale": cov.stale,
            "entries": cov.entries.iter().map(|e| json!({
                "jurisdiction": e.jurisdiction,
                "primary": output::channel_kind(e.primary_kind),
                "instrument": e.instrument,
                "title": e.title,
                "uncertain": e.uncertain,
            })).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    let instrumented: Vec<_> = cov
        .entries
        .iter()
        .filter(|e| e.primary_kind != pb::ChannelKind::Reciprocity as i32)
        .collect();
    crate::outln!(
        "{} for {} ({}) on {}: {} of {} jurisdictions have an instrument; the rest rely on reciprocity",
        bold("Primary channels"),
        assistance.as_str().replace('_', " "),
        matter_words(matter),
        output::date(&cov.on_date),
        instrumented.len(),
        cov.entries.len()
    );
    let mut t = output::table(&["jurisdiction", "primary channel", "instrument", "title"]);
    for e in instrumented {
        let kind = if e.uncertain {
            format!("{} (uncertain)", output::channel_kind(e.primary_kind))
        } else {
            output::channel_kind(e.primary_kind).to_owned()
        };
        t.add_row(vec![
            e.jurisdiction.clone(),
            kind,
            e.instrument.trim_start_matches("instruments/").to_owned(),
            e.title.clone(),
        ]);
    }
    crate::outln!("{t}");
    Ok(())
}
