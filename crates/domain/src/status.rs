//! Whether an instrument is in force for a party on a date, given dates
//! that may be known only to the year or month.

use std::fmt;

use crate::date::{CalendarDate, PartialDate};
use crate::instrument::Party;

/// The in-force status of a party's participation on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Certainly in force: the latest possible entry into force (or a date a
    /// source attests it in force) is on or before the date, and no
    /// termination is known to take effect by then.
    InForce,
    /// The known dates cannot decide; says exactly what is unknown.
    Uncertain(String),
    /// Entry into force is recorded, and its earliest possible day is after the date.
    NotYetInForce(PartialDate),
    /// Nothing records an entry into force (signature alone is not enough).
    NotInForce {
        /// The signature, if known.
        signed: Option<PartialDate>,
    },
    /// Termination took effect on or before the date.
    Terminated(PartialDate),
}

impl Status {
    /// Returns the status of a party's participation on `on`.
    pub fn of_party(party: &Party, on: CalendarDate) -> Status {
        if let Some(end) = party.termination_effective
            && end.latest() <= on
        {
            return Status::Terminated(end);
        }
        let started = match (party.entry_into_force, party.in_force_as_of) {
            (None, None) => {
                return Status::NotInForce {
                    signed: party.signed,
                };
            }
            (Some(eif), _) if eif.earliest() > on => return Status::NotYetInForce(eif),
            (Some(eif), attested) => {
                if eif.latest() <= on || attested.is_some_and(|a| a.latest() <= on) {
                    Ok(())
                } else {
                    Err(format!("entered into force {}", eif.describe()))
                }
            }
            (None, Some(attested)) => {
                if attested.latest() <= on {
                    Ok(())
                } else {
                    Err(format!(
                        "entry-into-force date unknown; a source attests it in force as of {}",
                        attested.describe()
                    ))
                }
            }
        };
        let ending = match (party.termination_effective, party.termination_notice) {
            (Some(end), _) => (end.earliest() <= on)
                .then(|| format!("termination takes effect {}", end.describe())),
            // A notice with no recorded effective date (review finding 22):
            // termination may have taken effect; unknown, not "in force".
            (None, Some(notice)) => (notice.earliest() <= on).then(|| {
                format!(
                    "termination notice given {}; its effective date is not recorded",
                    notice.describe()
                )
            }),
            (None, None) => None,
        };
        match (started, ending) {
            (Ok(()), None) => Status::InForce,
            (Err(start), None) => Status::Uncertain(start),
            (Ok(()), Some(end)) => Status::Uncertain(end),
            (Err(start), Some(end)) => Status::Uncertain(format!("{start}; {end}")),
        }
    }

    /// Combines the statuses of two parties into the status between them:
    /// the worse of the two, with terminated worst and in force best.
    pub fn between(a: Status, b: Status) -> Status {
        if a.rank() >= b.rank() { a } else { b }
    }

    fn rank(&self) -> u8 {
        match self {
            Status::InForce => 0,
            Status::Uncertain(_) => 1,
            Status::NotYetInForce(_) => 2,
            Status::NotInForce { .. } => 3,
            Status::Terminated(_) => 4,
        }
    }

    /// Whether the instrument can be offered as a channel (certainly or possibly in force).
    pub fn is_offerable(&self) -> bool {
        matches!(self, Status::InForce | Status::Uncertain(_))
    }

    /// The stable name used in filters and statistics.
    pub fn name(&self) -> &'static str {
        match self {
            Status::InForce => "IN_FORCE",
            Status::Uncertain(_) => "UNCERTAIN",
            Status::NotYetInForce(_) | Status::NotInForce { .. } => "SIGNED_NOT_IN_FORCE",
            Status::Terminated(_) => "TERMINATED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::InForce => f.write_str("in force"),
            Status::Uncertain(what) => write!(f, "possibly in force ({what})"),
            Status::NotYetInForce(eif) => {
                write!(f, "not yet in force (enters into force {})", eif.describe())
            }
            Status::NotInForce { signed: Some(s) } => {
                write!(
                    f,
                    "signed {} but no entry into force is recorded",
                    s.describe()
                )
            }
            Status::NotInForce { signed: None } => f.write_str("no entry into force is recorded"),
            Status::Terminated(end) => write!(f, "terminated (effective {})", end.describe()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> CalendarDate {
        CalendarDate::parse(text).unwrap()
    }

    fn party(eif: Option<&str>, as_of: Option<&str>, end: Option<&str>) -> Party {
        Party {
            entry_into_force: eif.map(|t| PartialDate::parse(t).unwrap()),
            in_force_as_of: as_of.map(|t| PartialDate::parse(t).unwrap()),
            termination_effective: end.map(|t| PartialDate::parse(t).unwrap()),
            signed: Some(PartialDate::parse("1987-05-04").unwrap()),
            ..Party::new("FR")
        }
    }

    #[test]
    fn table() {
        use Status::*;
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            &'a str,
            &'a str,
        );
        let cases: &[Case] = &[
            (Some("1988-02-08"), None, None, "1988-02-08", "IN_FORCE"),
            (
                Some("1988-02-08"),
                None,
                None,
                "1988-02-07",
                "SIGNED_NOT_IN_FORCE",
            ),
            (Some("2005"), None, None, "2005-06-01", "UNCERTAIN"),
            (Some("2005"), None, None, "2006-01-01", "IN_FORCE"),
            (
                Some("2005"),
                None,
                None,
                "2004-12-31",
                "SIGNED_NOT_IN_FORCE",
            ),
            (Some("2005-03"), None, None, "2005-03-31", "IN_FORCE"),
            (None, None, None, "2020-01-01", "SIGNED_NOT_IN_FORCE"),
            (None, Some("2018-09"), None, "2019-01-01", "IN_FORCE"),
            (None, Some("2018-09"), None, "2010-01-01", "UNCERTAIN"),
            (
                Some("2005"),
                Some("2005-02-01"),
                None,
                "2005-03-01",
                "IN_FORCE",
            ),
            (
                Some("1990-01-01"),
                None,
                Some("2000-01-01"),
                "2000-01-01",
                "TERMINATED",
            ),
            (
                Some("1990-01-01"),
                None,
                Some("2000-01-01"),
                "1999-12-31",
                "IN_FORCE",
            ),
            (
                Some("1990-01-01"),
                None,
                Some("2000"),
                "2000-06-01",
                "UNCERTAIN",
            ),
        ];
        for (eif, as_of, end, on, want) in cases {
            let got = Status::of_party(&party(*eif, *as_of, *end), day(on));
            assert_eq!(
                got.name(),
                *want,
                "eif={eif:?} as_of={as_of:?} end={end:?} on={on}: {got}"
            );
        }
        let uncertain = Status::of_party(&party(Some("2005"), None, None), day("2005-06-01"));
        assert_eq!(
            uncertain,
            Uncertain("entered into force 2005 (month and day unknown)".into())
        );
    }

    #[test]
    fn between_takes_the_worse() {
        let a = Status::InForce;
        let b = Status::Uncertain("x".into());
        assert_eq!(Status::between(a.clone(), b.clone()), b);
        assert_eq!(
            Status::between(b, Status::Terminated(PartialDate::year(1))).name(),
            "TERMINATED"
        );
    }
}
