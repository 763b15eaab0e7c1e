//! `[[requirements]]` records: one requirement of a request, naming the
//! instrument (or statute) it belongs to, converted into a domain
//! [`Requirement`] with every field's span kept.

use judicial_domain::{Assistance, ChannelKind, Matter, Requirement, RequirementDirection, Topic};
use serde::Deserialize;
use toml::Spanned;

use super::Converter;
use crate::record::{DateValue, Text};

/// A requirement as written in a file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequirementRecord {
    instrument: Option<Text>,
    topic: Option<Text>,
    direction: Option<Text>,
    party: Option<Text>,
    #[serde(default)]
    matters: Vec<Text>,
    #[serde(default)]
    assistances: Vec<Text>,
    #[serde(default)]
    channels: Vec<Text>,
    text: Option<Text>,
    article: Option<Text>,
    valid_from: Option<DateValue>,
    valid_until: Option<DateValue>,
    reported: Option<DateValue>,
    conflict: Option<Text>,
    #[serde(default)]
    sources: Vec<Text>,
    notes: Option<Text>,
}

impl Converter<'_> {
    /// Converts one record: the id of the instrument it belongs to, and the
    /// requirement; None (with problems recorded) when a value is unknown.
    pub(in crate::record) fn requirement(
        &mut self,
        path: &str,
        record: &Spanned<RequirementRecord>,
    ) -> Option<(String, Requirement)> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let instrument = self.text(&format!("{path}.instrument"), &r.instrument);
        if instrument.is_empty() {
            self.problem(
                &format!("{path}.instrument"),
                record.span(),
                "instrument is required: the id of the instrument or statute the requirement belongs to"
                    .to_owned(),
            );
        }
        let topic = self.required_word(
            &format!("{path}.topic"),
            &r.topic,
            record.span(),
            "topic",
            Topic::parse,
            Topic::ALL,
        );
        let direction = match &r.direction {
            Some(d) => self.word(
                &format!("{path}.direction"),
                d,
                "direction",
                RequirementDirection::parse,
                RequirementDirection::ALL,
            ),
            None => Some(RequirementDirection::Both),
        };
        let matters = self.words(
            &format!("{path}.matters"),
            &r.matters,
            "matter",
            Matter::parse,
            Matter::ALL,
        );
        let assistances = self.words(
            &format!("{path}.assistances"),
            &r.assistances,
            "assistance",
            Assistance::parse,
            Assistance::ALL,
        );
        let channels = self.words(
            &format!("{path}.channels"),
            &r.channels,
            "channel kind",
            ChannelKind::parse,
            ChannelKind::ALL,
        );
        let mut dates_ok = true;
        let mut date = |c: &mut Self, name: &str, value: &Option<DateValue>| {
            let parsed = c.date(&format!("{path}.{name}"), value);
            dates_ok &= value.is_none() || parsed.is_some();
            parsed
        };
        let valid_from = date(self, "valid_from", &r.valid_from);
        let valid_until = date(self, "valid_until", &r.valid_until);
        let reported = date(self, "reported", &r.reported);
        let requirement = Requirement {
            topic: Some(topic?),
            direction: direction?,
            party: self.text(&format!("{path}.party"), &r.party),
            matters,
            assistances,
            channels,
            text: self.text(&format!("{path}.text"), &r.text),
            article: self.text(&format!("{path}.article"), &r.article),
            valid_from,
            valid_until,
            reported,
            conflict: self.text(&format!("{path}.conflict"), &r.conflict),
            sources: self.texts(&format!("{path}.sources"), &r.sources),
            notes: self.text(&format!("{path}.notes"), &r.notes),
        };
        let lists_ok = requirement.matters.len() == r.matters.len()
            && requirement.assistances.len() == r.assistances.len()
            && requirement.channels.len() == r.channels.len();
        (dates_ok && lists_ok && !instrument.is_empty()).then_some((instrument, requirement))
    }
}
