//! Table-driven tests of the routing rules: which channels apply and which
//! instruments do not, with their codes, over the fixtures.

use super::fixtures::*;
use super::*;
use crate::vocabulary::TreatyType;

use Assistance::*;
use Matter::*;
use NotApplicableReason as R;

struct Case {
    name: &'static str,
    counterpart: &'static str,
    matter: Matter,
    assistance: Assistance,
    on: &'static str,
    offence: Option<&'static str>,
    transmission: Option<&'static str>,
    channels: &'static [&'static str],
    not_applicable: &'static [(&'static str, NotApplicableReason)],
}

const CASES: &[Case] = &[
    Case {
        name: "treaty first, then convention, then reciprocity; other conventions naming FR say why not",
        counterpart: "FR",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["cn-fr-civil-1987", "hague-service-1965", "fallback"],
        not_applicable: &[
            ("cn-fr-extradition-2007", R::NotCovered),
            ("hague-evidence-1970", R::NotCovered),
            ("uncac-2003", R::NotCovered),
            ("untoc-2000", R::NotCovered),
        ],
    },
    Case {
        name: "before entry into force of treaty and convention",
        counterpart: "FR",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "1988-02-07",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[
            ("cn-fr-civil-1987", R::NotYetInForce),
            ("cn-fr-extradition-2007", R::NotCovered),
            ("hague-evidence-1970", R::NotCovered),
            ("hague-service-1965", R::NotYetInForce),
            ("uncac-2003", R::NotCovered),
            ("untoc-2000", R::NotCovered),
        ],
    },
    Case {
        name: "entry into force day itself",
        counterpart: "FR",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "1988-02-08",
        offence: None,
        transmission: None,
        channels: &["cn-fr-civil-1987", "fallback"],
        not_applicable: &[
            ("cn-fr-extradition-2007", R::NotCovered),
            ("hague-evidence-1970", R::NotCovered),
            ("hague-service-1965", R::NotYetInForce),
            ("uncac-2003", R::NotCovered),
            ("untoc-2000", R::NotCovered),
        ],
    },
    Case {
        // Review finding 21: an excluded intended means keeps the convention,
        // with a condition saying post is not available (answer_tests checks it).
        name: "postal service excluded by CN's Art. 10 objection: the convention stays, without post",
        counterpart: "FR",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "2024-01-01",
        offence: None,
        transmission: Some("postal"),
        channels: &["cn-fr-civil-1987", "hague-service-1965", "fallback"],
        not_applicable: &[
            ("cn-fr-extradition-2007", R::NotCovered),
            ("hague-evidence-1970", R::NotCovered),
            ("uncac-2003", R::NotCovered),
            ("untoc-2000", R::NotCovered),
        ],
    },
    Case {
        name: "not a recorded party of a convention covering the request",
        counterpart: "GB",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[("hague-service-1965", R::NotAParty)],
    },
    Case {
        name: "accession accepted by the counterpart",
        counterpart: "FR",
        matter: CivilCommercial,
        assistance: TakingOfEvidence,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["cn-fr-civil-1987", "hague-evidence-1970", "fallback"],
        not_applicable: &[
            ("cn-fr-extradition-2007", R::NotCovered),
            ("hague-service-1965", R::NotCovered),
            ("uncac-2003", R::NotCovered),
            ("untoc-2000", R::NotCovered),
        ],
    },
    Case {
        // review finding 2: an acceptance not recorded is unknown, not refused
        // (was: not applicable, accession_not_accepted).
        name: "acceptance by a ratifying state not recorded: uncertain",
        counterpart: "DE",
        matter: CivilCommercial,
        assistance: TakingOfEvidence,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["hague-evidence-1970", "fallback"],
        not_applicable: &[],
    },
    Case {
        // review finding 2: a recorded objection to the accession is a refusal.
        name: "accession refused by a ratifying state",
        counterpart: "IT",
        matter: CivilCommercial,
        assistance: TakingOfEvidence,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[("hague-evidence-1970", R::AccessionNotAccepted)],
    },
    Case {
        // review finding 1: absent from a list complete only as of 2024-03-21.
        name: "absent from a list not known complete on the date: uncertain, not not_a_party",
        counterpart: "GB",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "2025-01-01",
        offence: None,
        transmission: None,
        channels: &["hague-service-1965", "fallback"],
        not_applicable: &[],
    },
    Case {
        name: "both acceded; one acceptance suffices",
        counterpart: "KR",
        matter: CivilCommercial,
        assistance: TakingOfEvidence,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["hague-evidence-1970", "fallback"],
        not_applicable: &[],
    },
    Case {
        // review finding 2: unknown, not refused.
        name: "both acceded; no acceptance either way: uncertain",
        counterpart: "AR",
        matter: CivilCommercial,
        assistance: TakingOfEvidence,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["hague-evidence-1970", "fallback"],
        not_applicable: &[],
    },
    Case {
        name: "own region: arrangement, then inter-regional fallback; conventions do not reach",
        counterpart: "HK",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["cn-hk-civil-service-1999", "fallback"],
        not_applicable: &[
            ("hague-service-1965", R::RegionNotCovered),
            ("hk-mo-civil-service-2005", R::NotAParty),
        ],
    },
    Case {
        name: "own region before its arrangement",
        counterpart: "HK",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "1999-03-29",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[
            ("cn-hk-civil-service-1999", R::NotYetInForce),
            ("hague-service-1965", R::RegionNotCovered),
            ("hk-mo-civil-service-2005", R::NotAParty),
        ],
    },
    Case {
        name: "own region with no arrangement",
        counterpart: "MO",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[
            ("hague-service-1965", R::RegionNotCovered),
            ("hk-mo-civil-service-2005", R::NotAParty),
        ],
    },
    Case {
        name: "own region, criminal: a convention not extended; the arrangement does not cover",
        counterpart: "HK",
        matter: Criminal,
        assistance: Extradition,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[
            ("cn-hk-civil-service-1999", R::NotCovered),
            ("uncac-2003", R::RegionNotCovered),
            ("untoc-2000", R::RegionNotCovered),
        ],
    },
    Case {
        name: "combined treaty serves civil matters",
        counterpart: "VN",
        matter: CivilCommercial,
        assistance: ServiceOfDocuments,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["cn-vn-civil-criminal-1998", "fallback"],
        not_applicable: &[("hague-service-1965", R::NotAParty)],
    },
    Case {
        name: "combined treaty serves criminal matters",
        counterpart: "VN",
        matter: Criminal,
        assistance: TakingOfEvidence,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["cn-vn-civil-criminal-1998", "fallback"],
        not_applicable: &[("untoc-2000", R::NotAParty)],
    },
    Case {
        name: "combined treaty does not cover extradition",
        counterpart: "VN",
        matter: Criminal,
        assistance: Extradition,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[
            ("cn-vn-civil-criminal-1998", R::NotCovered),
            ("uncac-2003", R::NotAParty),
            ("untoc-2000", R::NotAParty),
        ],
    },
    Case {
        name: "treaty in force before its termination",
        counterpart: "SE",
        matter: Criminal,
        assistance: TakingOfEvidence,
        on: "2009-12-31",
        offence: None,
        transmission: None,
        channels: &["cn-se-criminal-1994", "fallback"],
        not_applicable: &[("untoc-2000", R::NotAParty)],
    },
    Case {
        name: "terminated treaty",
        counterpart: "SE",
        matter: Criminal,
        assistance: TakingOfEvidence,
        on: "2010-01-01",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[
            ("cn-se-criminal-1994", R::Terminated),
            ("untoc-2000", R::NotAParty),
        ],
    },
    Case {
        name: "year-only entry into force: uncertain treaty after the certain convention",
        counterpart: "KE",
        matter: Criminal,
        assistance: Extradition,
        on: "2005-06-01",
        offence: None,
        transmission: None,
        channels: &["untoc-2000", "cn-ke-extradition-2005", "fallback"],
        not_applicable: &[("uncac-2003", R::NotAParty)],
    },
    Case {
        name: "year-only entry into force: certain after the year ends",
        counterpart: "KE",
        matter: Criminal,
        assistance: Extradition,
        on: "2006-01-01",
        offence: None,
        transmission: None,
        channels: &["cn-ke-extradition-2005", "untoc-2000", "fallback"],
        not_applicable: &[("uncac-2003", R::NotAParty)],
    },
    Case {
        name: "year-only entry into force: not yet before the year",
        counterpart: "KE",
        matter: Criminal,
        assistance: Extradition,
        on: "2004-12-31",
        offence: None,
        transmission: None,
        channels: &["untoc-2000", "fallback"],
        not_applicable: &[
            ("cn-ke-extradition-2005", R::NotYetInForce),
            ("uncac-2003", R::NotAParty),
        ],
    },
    Case {
        name: "no instrument with the state: reciprocity only",
        counterpart: "BR",
        matter: Criminal,
        assistance: Extradition,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[("uncac-2003", R::NotAParty), ("untoc-2000", R::NotAParty)],
    },
    Case {
        name: "offence within scope",
        counterpart: "FR",
        matter: Criminal,
        assistance: AssetRecovery,
        on: "2024-01-01",
        offence: Some("corruption"),
        transmission: None,
        channels: &["uncac-2003", "fallback"],
        not_applicable: &[
            ("cn-fr-civil-1987", R::NotCovered),
            ("cn-fr-extradition-2007", R::NotCovered),
            ("hague-evidence-1970", R::NotCovered),
            ("hague-service-1965", R::NotCovered),
            ("untoc-2000", R::NotCovered),
        ],
    },
    Case {
        name: "offence outside scope",
        counterpart: "FR",
        matter: Criminal,
        assistance: AssetRecovery,
        on: "2024-01-01",
        offence: Some("narcotics"),
        transmission: None,
        channels: &["fallback"],
        not_applicable: &[
            ("cn-fr-civil-1987", R::NotCovered),
            ("cn-fr-extradition-2007", R::NotCovered),
            ("hague-evidence-1970", R::NotCovered),
            ("hague-service-1965", R::NotCovered),
            ("uncac-2003", R::OffenceOutOfScope),
            ("untoc-2000", R::NotCovered),
        ],
    },
    Case {
        name: "reservation excludes the assistance; extradition treaty applies",
        counterpart: "FR",
        matter: Criminal,
        assistance: Extradition,
        on: "2024-01-01",
        offence: None,
        transmission: None,
        channels: &["cn-fr-extradition-2007", "uncac-2003", "fallback"],
        not_applicable: &[
            ("cn-fr-civil-1987", R::NotCovered),
            ("hague-evidence-1970", R::NotCovered),
            ("hague-service-1965", R::NotCovered),
            ("untoc-2000", R::Reservation),
        ],
    },
];

#[test]
fn table() {
    let instruments = all();
    let mut failures = Vec::new();
    for case in CASES {
        let mut q = query(case.counterpart, case.matter, case.assistance, case.on);
        q.offence = case.offence.map(str::to_owned);
        q.transmission = case.transmission.map(str::to_owned);
        let answer = ask_with(&instruments, &q);
        if ids(&answer) != case.channels || reasons(&answer) != case.not_applicable {
            failures.push(format!(
                "{}:\n  channels {:?}\n  not applicable {:?}",
                case.name,
                ids(&answer),
                reasons(&answer)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn candidates_outside_the_pair_are_ignored() {
    let q = query("FR", CivilCommercial, ServiceOfDocuments, "2024-01-01");
    let with = ask_with(&all(), &q);
    let only = ask_with(&[cn_fr_civil(), hague_service()], &q);
    assert_eq!(with.channels, only.channels);
}

#[test]
fn errors_name_the_code() {
    let q = query("XX", Criminal, Extradition, "2024-01-01");
    let err = route("CN", &Listed::new(&world(), &[]), &q).unwrap_err();
    assert_eq!(err, RouteError::UnknownCounterpart("XX".into()));
    assert_eq!(err.to_string(), "unknown counterpart jurisdiction XX");
    let q = query("CN", Criminal, Extradition, "2024-01-01");
    let err = primary("CN", &Listed::new(&world(), &[]), &q).unwrap_err();
    assert_eq!(err.to_string(), "counterpart CN is the home state");
}

fn ordering_fixtures() -> Vec<Instrument> {
    vec![
        // Older but more specific than the combined treaty.
        treaty(
            "cn-vn-criminal-2001",
            TreatyType::Criminal,
            "VN",
            "2000-01-01",
            "2001-01-01",
        ),
        treaty(
            "cn-vn-criminal-2015",
            TreatyType::Criminal,
            "VN",
            "2014-01-01",
            "2015-01-01",
        ),
        treaty(
            "cn-vn-civil-criminal-2020",
            TreatyType::CivilAndCriminal,
            "VN",
            "2019-01-01",
            "2020-01-01",
        ),
        // Uncertain on the query date: last before the fallback.
        treaty(
            "cn-vn-criminal-2023",
            TreatyType::Criminal,
            "VN",
            "2022",
            "2023",
        ),
        convention(
            "untoc-2000",
            "UNTOC",
            vec![party("CN", "", "2003-10-23"), party("VN", "", "2012-06-08")],
            &[(Criminal, TakingOfEvidence)],
        ),
    ]
}

#[test]
fn order_certain_first_then_kind_then_specificity_then_recency() {
    let answer = ask_with(
        &ordering_fixtures(),
        &query("VN", Criminal, TakingOfEvidence, "2023-06-01"),
    );
    assert_eq!(
        ids(&answer),
        [
            "cn-vn-criminal-2015",
            "cn-vn-criminal-2001",
            "cn-vn-civil-criminal-2020",
            "untoc-2000",
            "cn-vn-criminal-2023",
            "fallback",
        ]
    );
    let first = primary(
        "CN",
        &Listed::new(&world(), &ordering_fixtures().iter().collect::<Vec<_>>()),
        &query("VN", Criminal, TakingOfEvidence, "2023-06-01"),
    )
    .unwrap();
    assert_eq!(first.instrument_id.as_deref(), Some("cn-vn-criminal-2015"));
}

#[test]
fn a_scoped_convention_matching_the_offence_comes_before_a_general_one() {
    let instruments = [untoc(), {
        let mut u = uncac();
        u.coverage = coverage(&[(Criminal, TakingOfEvidence)]);
        u
    }];
    let mut q = query("FR", Criminal, TakingOfEvidence, "2024-01-01");
    assert_eq!(
        ids(&ask_with(&instruments, &q)),
        ["untoc-2000", "uncac-2003", "fallback"]
    );
    q.offence = Some("corruption".into());
    assert_eq!(
        ids(&ask_with(&instruments, &q)),
        ["uncac-2003", "untoc-2000", "fallback"]
    );
}

#[test]
fn a_foreign_region_is_reached_only_by_extension() {
    // With France as home, Hong Kong is a foreign region of CN.
    let mut service = hague_service();
    service.parties[0].reservations.clear();
    let fr_home = |s: &Instrument| {
        let q = query("HK", CivilCommercial, ServiceOfDocuments, "2024-01-01");
        route("FR", &Listed::new(&world(), &[s]), &q).unwrap()
    };
    let reached = fr_home(&service);
    assert_eq!(ids(&reached), ["hague-service-1965", "fallback"]);
    assert!(
        reached.channels[0]
            .conditions
            .iter()
            .any(|c| c.contains("through CN's extension"))
    );
    service.parties[0].extended_to.clear();
    let not_reached = fr_home(&service);
    assert_eq!(ids(&not_reached), ["fallback"]);
    assert_eq!(
        reasons(&not_reached),
        [("hague-service-1965", R::RegionNotCovered)]
    );
}

#[test]
fn an_instrument_passed_twice_counts_once() {
    let t = cn_fr_civil();
    let q = query("FR", CivilCommercial, ServiceOfDocuments, "2024-01-01");
    let answer = route("CN", &Listed::new(&world(), &[&t, &t]), &q).unwrap();
    assert_eq!(ids(&answer), ["cn-fr-civil-1987", "fallback"]);
}

#[test]
fn transmission_objections_bind_requests_sent_to_the_objecting_state() {
    let instruments = [hague_service()];
    let ask = |direction, transmission: Option<&str>| {
        let q = RouteQuery {
            transmission: transmission.map(str::to_owned),
            direction,
            ..query("FR", CivilCommercial, ServiceOfDocuments, "2020-01-01")
        };
        ask_with(&instruments, &q)
    };
    // China serving in France: France has not objected, so post is open.
    let out = ask(Direction::Outgoing, None);
    assert!(
        out.channels[0].transmission.contains("postal"),
        "{:?}",
        out.channels[0]
    );
    assert!(
        !out.channels[0]
            .conditions
            .iter()
            .any(|c| c.contains("postal"))
    );
    assert_eq!(
        ids(&ask(Direction::Outgoing, Some("postal")))[0],
        "hague-service-1965"
    );
    // France serving in China: China's Art. 10 objection bars post.
    let inc = ask(Direction::Incoming, None);
    assert!(!inc.channels[0].transmission.contains("postal"));
    assert!(
        inc.channels[0]
            .conditions
            .iter()
            .any(|c| c.contains("postal") && c.contains("CN"))
    );
    // Review finding 21: post intended, France serving in China: the
    // convention stays, by its other means, and says post is not available.
    let barred = ask(Direction::Incoming, Some("postal"));
    let hague = &barred.channels[0];
    assert_eq!(hague.instrument_id.as_deref(), Some("hague-service-1965"));
    assert!(!hague.transmission.contains("postal"), "{hague:?}");
    assert!(
        hague.conditions[0]
            .starts_with("postal service not available: China objects under Art. 10; use "),
        "{:?}",
        hague.conditions
    );
    assert_eq!(
        hague
            .conditions
            .iter()
            .filter(|c| c.contains("postal"))
            .count(),
        1,
        "one line for the objection: {:?}",
        hague.conditions
    );
    // Unstated direction: the cautious answer, every objection applies.
    let both = ask(Direction::Both, Some("postal"));
    assert!(
        both.channels[0].conditions[0].starts_with("postal service not available: China objects")
    );
    // China serving in France by post: nothing to say.
    let open = ask(Direction::Outgoing, Some("postal"));
    assert!(
        !open.channels[0]
            .conditions
            .iter()
            .any(|c| c.contains("not available"))
    );
}
