//! Tests for the practitioner review of the routing rules
//! (`../shared/reviews/rules-review.md`), one table per finding, each named
//! after the finding it proves fixed. Findings 1, 2, 4, 5, 10, 13-15, 19-21
//! are the conventions work and tested there.

use super::fixtures::*;
use super::*;
use crate::instrument::Coverage;
use crate::vocabulary::{InstrumentKind, TreatyType};

use Assistance::*;
use Matter::*;

fn with(q: RouteQuery, direction: Direction) -> RouteQuery {
    RouteQuery { direction, ..q }
}

fn fallback(answer: &RouteAnswer) -> &Channel {
    answer.channels.last().expect("never empty")
}

fn everything(c: &Channel) -> String {
    format!(
        "{} | {} | {} | {} | {} | {}",
        c.title,
        c.articles,
        c.home_authority,
        c.transmission,
        c.conditions.join(" / "),
        c.explanation
    )
}

fn has(c: &Channel, part: &str) -> bool {
    c.conditions.iter().any(|x| x.contains(part))
}

/// A Mainland–region arrangement covering (matter, assistance) pairs.
fn arrangement(id: &str, region: &str, pairs: &[(Matter, Assistance)], eif: &str) -> Instrument {
    let mut inst = Instrument::new(id, InstrumentKind::Arrangement, id);
    inst.parties = vec![party("CN", "", eif), party(region, "", eif)];
    inst.coverage = pairs
        .iter()
        .map(|&(m, a)| Coverage {
            transmissions: vec!["application_to_court".into()],
            ..Coverage::new(m, a)
        })
        .collect();
    inst
}

fn cross_strait() -> Instrument {
    arrangement(
        "cn-tw-cross-strait-2009",
        "TW",
        &[
            (CivilCommercial, ServiceOfDocuments),
            (CivilCommercial, TakingOfEvidence),
            (Criminal, Extradition),
        ],
        "2009-06-25",
    )
}

fn new_york() -> Instrument {
    let mut cn = party("CN", "", "1987-04-22");
    cn.reservations = vec![crate::instrument::Reservation {
        article: "Art. I(3)".into(),
        text: "Reciprocity reservation: only awards made in another Contracting State".into(),
        ..Default::default()
    }];
    let mut inst = convention(
        "new-york-1958",
        "New York Convention 1958",
        vec![cn, party("US", "", "1970-12-29")],
        &[(CivilCommercial, RecognitionOfArbitralAwards)],
    );
    inst.coverage[0].transmissions = vec!["application_to_court".into()];
    inst
}

// review finding 3
#[test]
fn foreign_judgments_without_a_treaty_are_an_application_to_the_intermediate_court() {
    let instruments = vec![new_york(), cn_fr_civil()];
    let us = ask_with(
        &instruments,
        &query(
            "US",
            CivilCommercial,
            RecognitionAndEnforcement,
            "2024-06-01",
        ),
    );
    assert_eq!(ids(&us), ["fallback"]);
    let c = fallback(&us);
    assert_eq!(c.transmission, "application_to_court");
    assert_ne!(c.transmission, "diplomatic_channels");
    assert!(
        c.title.contains("intermediate people's court"),
        "{}",
        c.title
    );
    assert!(
        c.articles.starts_with("CPL Arts 297-303 (2023 text"),
        "{}",
        c.articles
    );
    assert!(
        c.articles.contains("2022 Minutes point 44"),
        "{}",
        c.articles
    );
    assert!(has(c, "Art. 542"), "{:?}", c.conditions);
    assert!(has(c, "Arts 299-301"), "{:?}", c.conditions);
    assert!(has(c, "CPL Art. 298"), "{:?}", c.conditions);
    assert!(
        has(c, "recognition_of_arbitral_awards"),
        "{:?}",
        c.conditions
    );

    // An award: the New York Convention, with China's reservation.
    let award = ask_with(
        &instruments,
        &query(
            "US",
            CivilCommercial,
            RecognitionOfArbitralAwards,
            "2024-06-01",
        ),
    );
    assert_eq!(ids(&award), ["new-york-1958", "fallback"]);
    assert!(has(&award.channels[0], "Reciprocity reservation"));
    assert!(fallback(&award).articles.starts_with("CPL Art. 304"));
    // The convention does not answer judgment queries.
    assert!(!ids(&us).contains(&"new-york-1958"));

    // Before 2024 the 2021 numbering and test, without the 2023 grounds.
    let old = ask_with(
        &instruments,
        &query(
            "US",
            CivilCommercial,
            RecognitionAndEnforcement,
            "2023-06-01",
        ),
    );
    let c = fallback(&old);
    assert!(
        c.articles.starts_with("CPL Arts 287-289 (2021 text)"),
        "{}",
        c.articles
    );
    assert!(!has(c, "Arts 299-301, 2023 text)"));
}

// review finding 3 (interim measures) and 16
#[test]
fn interim_measures_are_their_own_assistance_and_stop_answering_recognition() {
    let instruments = vec![
        arrangement(
            "cn-hk-interim-measures-2019",
            "HK",
            &[(CivilCommercial, InterimMeasures)],
            "2019-10-01",
        ),
        arrangement(
            "cn-hk-judgments-2019",
            "HK",
            &[(CivilCommercial, RecognitionAndEnforcement)],
            "2024-01-29",
        ),
    ];
    let interim = ask_with(
        &instruments,
        &query("HK", CivilCommercial, InterimMeasures, "2024-06-01"),
    );
    assert_eq!(ids(&interim), ["cn-hk-interim-measures-2019", "fallback"]);
    let recognition = ask_with(
        &instruments,
        &query(
            "HK",
            CivilCommercial,
            RecognitionAndEnforcement,
            "2024-06-01",
        ),
    );
    assert_eq!(ids(&recognition), ["cn-hk-judgments-2019", "fallback"]);
    assert_eq!(Assistance::parse("interim-measures"), Some(InterimMeasures));
    assert_eq!(InterimMeasures.only_matter(), Some(CivilCommercial));
}

// review finding 6
#[test]
fn reciprocity_is_confined_when_a_certain_instrument_applies() {
    struct Case {
        query: RouteQuery,
        instruments: Vec<Instrument>,
        articles: &'static str,
        undertaking_dropped: bool,
    }
    let cases = [
        Case {
            query: query("FR", CivilCommercial, ServiceOfDocuments, "2024-06-01"),
            instruments: vec![cn_fr_civil()],
            articles: "CPL Art. 294(1)",
            undertaking_dropped: true,
        },
        Case {
            query: query("FR", Criminal, Extradition, "2024-06-01"),
            instruments: vec![cn_fr_extradition()],
            articles: "Extradition Law Art. 15",
            undertaking_dropped: true,
        },
        Case {
            query: query("VN", Criminal, TakingOfEvidence, "2024-06-01"),
            instruments: vec![cn_vn_civil_criminal()],
            articles: "ICJA Art. 5(3)",
            undertaking_dropped: true,
        },
    ];
    for case in cases {
        let answer = ask_with(&case.instruments, &case.query);
        let c = fallback(&answer);
        assert!(
            c.title
                .ends_with("(only for what the applicable instrument does not govern)"),
            "{}",
            c.title
        );
        assert!(
            c.conditions[0].starts_with("only for what"),
            "{:?}",
            c.conditions
        );
        assert!(
            c.conditions[0].contains(case.articles),
            "{:?}",
            c.conditions
        );
        assert!(c.explanation.starts_with("Not an equal alternative"));
        if case.undertaking_dropped {
            assert!(
                !c.conditions
                    .iter()
                    .any(|x| x.contains("undertaking, required")),
                "{:?}",
                c.conditions
            );
        }
    }
    // Without an instrument the undertaking is a condition.
    let alone = ask_with(&[], &query("FR", Criminal, Extradition, "2024-06-01"));
    assert!(has(fallback(&alone), "Extradition Law Art. 15"));
    assert!(!fallback(&alone).title.contains("only for what"));
    // Only an uncertain instrument: reciprocity stands, with the undertaking.
    let ke = ask_with(
        &[cn_ke_extradition()],
        &query("KE", Criminal, Extradition, "2005-06-01"),
    );
    assert_eq!(ids(&ke), ["cn-ke-extradition-2005", "fallback"]);
    let c = fallback(&ke);
    assert!(c.conditions[0].starts_with("applies if the instruments not proved in force"));
    assert!(has(c, "Extradition Law Art. 15"));
}

// review finding 7
#[test]
fn civil_diplomatic_requests_go_to_the_mfa_consular_department_with_direction_dependent_translation()
 {
    let q = query("BR", CivilCommercial, ServiceOfDocuments, "2024-06-01");
    let both = primary("CN", &Listed::new(&world(), &[]), &q).unwrap();
    assert_eq!(
        both.home_authority,
        "Ministry of Foreign Affairs (Department of Consular Affairs), with the higher people's courts (1986 Notice)"
    );
    assert_eq!(
        both.articles,
        "CPL Arts 293-296 (2023 text; Arts 283-286 in the 2021 text); 1986 Notice Wai Fa [1986] No. 47"
    );
    assert!(!everything(&both).contains("Ministry of Justice"));
    let incoming = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &with(q.clone(), Direction::Incoming),
    )
    .unwrap();
    assert!(has(&incoming, "Chinese translation (CPL Art. 295(1)"));
    assert!(!has(&incoming, "requested state's language"));
    assert!(has(&incoming, "CPL Art. 294(2)-(3)"));
    let outgoing = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &with(q, Direction::Outgoing),
    )
    .unwrap();
    assert!(has(&outgoing, "requested state's language"));
    assert!(has(&outgoing, "CPL Art. 295(2)"));
    assert!(!has(&outgoing, "Chinese translation"));
}

// review finding 8
#[test]
fn extradition_cites_art_15_for_reciprocity_and_splits_the_directions() {
    let q = query("BR", Criminal, Extradition, "2024-06-01");
    let both = primary("CN", &Listed::new(&world(), &[]), &q).unwrap();
    assert!(!has(&both, "reciprocity (Extradition Law Art. 3)"));
    for part in [
        "Extradition Law Art. 15",
        "Extradition Law Art. 7",
        "Chinese national (Art. 8(1))",
        "Extradition Law Art. 9",
        "Ministry of Public Security (Art. 30)",
        "Extradition Law Art. 47",
        "Extradition Law Art. 50",
    ] {
        assert!(has(&both, part), "{part}: {:?}", both.conditions);
    }
    assert!(
        both.home_authority
            .contains("Ministry of Public Security (Art. 30)")
    );
    let incoming = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &with(q.clone(), Direction::Incoming),
    )
    .unwrap();
    assert!(has(&incoming, "Art. 8(1)"));
    assert!(!has(&incoming, "Art. 47"));
    let outgoing = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &with(q, Direction::Outgoing),
    )
    .unwrap();
    assert!(has(&outgoing, "Art. 50"));
    assert!(!has(&outgoing, "Art. 8(1)"));
    assert!(
        !has(&outgoing, "Art. 15"),
        "the undertaking is asked of requesting states"
    );
}

// review finding 9
#[test]
fn own_regions_without_an_arrangement_say_none_is_recorded() {
    let tw = ask_with(
        &[],
        &query("TW", CivilCommercial, ServiceOfDocuments, "2024-06-01"),
    );
    let c = fallback(&tw);
    assert!(c.explanation.contains("is recorded"), "{}", c.explanation);
    assert!(!everything(c).contains("case by case"), "{}", everything(c));
    assert_ne!(c.transmission, "diplomatic_channels");
    // With the cross-strait agreement: the arrangement is the channel.
    let tw = ask_with(
        &[cross_strait()],
        &query("TW", CivilCommercial, ServiceOfDocuments, "2024-06-01"),
    );
    assert_eq!(ids(&tw), ["cn-tw-cross-strait-2009", "fallback"]);
    let before = ask_with(
        &[cross_strait()],
        &query("TW", CivilCommercial, ServiceOfDocuments, "2009-01-01"),
    );
    assert_eq!(ids(&before), ["fallback"]);
    // Hong Kong criminal: no formal channel, Cap. 503 s. 2.
    let hk = ask_with(&all(), &query("HK", Criminal, Extradition, "2024-06-01"));
    assert_eq!(ids(&hk), ["fallback"]);
    let c = fallback(&hk);
    assert!(has(c, "Cap. 503) s. 2"), "{:?}", c.conditions);
    assert_eq!(c.transmission, "none_recorded");
    let mo = ask_with(
        &all(),
        &query("MO", Criminal, TakingOfEvidence, "2024-06-01"),
    );
    assert!(has(fallback(&mo), "no Mainland-Macao criminal arrangement"));
}

// review finding 11
#[test]
fn criminal_mla_names_the_mfa_the_liaison_and_the_competent_authorities() {
    let q = query("BR", Criminal, TakingOfEvidence, "2024-06-01");
    let both = primary("CN", &Listed::new(&world(), &[]), &q).unwrap();
    assert!(
        both.home_authority
            .starts_with("Ministry of Foreign Affairs (diplomatic channels, ICJA Art. 5(3))"),
        "{}",
        both.home_authority
    );
    assert!(both.home_authority.contains("Art. 6(1)"));
    for part in [
        "ICJA Art. 13(2)",
        "ICJA Art. 13(3)",
        "ICJA Art. 14",
        "clearly harms",
        "ICJA Art. 4(3)",
        "ICJA Art. 22(2)-(3)",
        "ICJA Art. 11",
    ] {
        assert!(has(&both, part), "{part}: {:?}", both.conditions);
    }
    let incoming = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &with(q, Direction::Incoming),
    )
    .unwrap();
    assert!(
        !has(&incoming, "ICJA Art. 11"),
        "Art. 11 concerns outgoing requests"
    );
}

// review finding 12
#[test]
fn conventions_never_govern_cooperation_with_own_regions_extended_or_not() {
    let answer = ask_with(
        &all(),
        &query("HK", CivilCommercial, ServiceOfDocuments, "2024-06-01"),
    );
    assert!(
        answer
            .channels
            .iter()
            .all(|c| c.instrument_id.as_deref() != Some("hague-service-1965"))
    );
    let na = find(&answer, "hague-service-1965");
    assert_eq!(na.code, NotApplicableReason::RegionNotCovered);
    assert!(na.reason.contains("extended to it"), "{}", na.reason);
}

// review finding 17
#[test]
fn transfers_cite_icja_arts_55_56_and_the_moj_under_art_6() {
    let c = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &query("BR", Criminal, TransferOfSentencedPersons, "2024-06-01"),
    )
    .unwrap();
    assert!(c.articles.starts_with("ICJA Arts 55-56"), "{}", c.articles);
    assert!(c.articles.contains("Art. 6(1)"));
    assert!(
        c.home_authority
            .starts_with("Ministry of Justice (competent authority for transfers, ICJA Art. 6(1))")
    );
    assert!(has(&c, "ICJA Art. 56(1)"));
    assert!(has(&c, "less than one year of the sentence remains"));
    assert!(has(&c, "optional grounds"));
    assert!(
        !everything(&c).contains("Art. 5)"),
        "not Art. 5 for the MOJ"
    );
}

// review finding 18
#[test]
fn domestic_law_is_cited_as_in_force_on_the_date() {
    for (q, absent) in [
        (
            query("BR", Criminal, TakingOfEvidence, "2010-06-01"),
            "ICJA",
        ),
        (
            query("BR", Criminal, TransferOfSentencedPersons, "2010-06-01"),
            "ICJA",
        ),
        (
            query("BR", Criminal, TakingOfEvidence, "2010-06-01"),
            "2024 Provisions",
        ),
        (
            query("BR", Criminal, Extradition, "1999-06-01"),
            "Extradition Law Art",
        ),
    ] {
        let c = primary("CN", &Listed::new(&world(), &[]), &q).unwrap();
        let text = everything(&c);
        assert!(!text.contains(absent), "{} {}: {text}", q.assistance, q.on);
        assert!(!text.contains("International Criminal Judicial Assistance"));
    }
    let cases = [
        (
            "2024-06-01",
            "CPL Art. 294(1) (2023 text; Art. 284 in the 2021 text)",
        ),
        (
            "2023-06-01",
            "CPL Art. 284 (2021 text; Art. 277 in the 2017 text)",
        ),
        ("2015-06-01", "CPL Art. 277 (2012 text as amended in 2017)"),
        ("1995-06-01", "CPL Art. 263 (1991 text)"),
    ];
    for (on, cited) in cases {
        let c = primary(
            "CN",
            &Listed::new(&world(), &[]),
            &query("BR", CivilCommercial, TakingOfEvidence, on),
        )
        .unwrap();
        assert!(has(&c, cited), "{on}: {:?}", c.conditions);
    }
    let early = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &query("BR", Criminal, TakingOfEvidence, "2020-06-01"),
    )
    .unwrap();
    assert!(early.articles.starts_with("ICJA"));
    assert!(!early.articles.contains("2024 Provisions"));
}

// review finding 22
#[test]
fn a_termination_notice_without_an_effective_date_makes_the_treaty_uncertain() {
    let mut t = treaty(
        "cn-br-civil-x",
        TreatyType::CivilCommercial,
        "BR",
        "1995-01-01",
        "1996-01-01",
    );
    for p in &mut t.parties {
        p.termination_notice = date("2020-03-01");
    }
    let before = ask_with(
        std::slice::from_ref(&t),
        &query("BR", CivilCommercial, ServiceOfDocuments, "2019-06-01"),
    );
    assert!(before.channels[0].uncertain.is_none());
    let after = ask_with(
        std::slice::from_ref(&t),
        &query("BR", CivilCommercial, ServiceOfDocuments, "2021-06-01"),
    );
    assert_eq!(
        after.channels[0].uncertain.as_deref(),
        Some("termination notice given 2020-03-01; its effective date is not recorded")
    );
}

// review finding 16
#[test]
fn a_transitional_end_keeps_the_2006_arrangement_for_earlier_agreements() {
    let mut choice = arrangement(
        "cn-hk-choice-of-court-judgments-2006",
        "HK",
        &[(CivilCommercial, RecognitionAndEnforcement)],
        "2008-08-01",
    );
    for p in &mut choice.parties {
        p.termination_effective = date("2024-01-29");
        p.continues_for = "judgments under written choice-of-court agreements concluded before 2024-01-29 (Art. 30 of the 2019 comprehensive arrangement)".into();
    }
    let comprehensive = arrangement(
        "cn-hk-judgments-2019",
        "HK",
        &[(CivilCommercial, RecognitionAndEnforcement)],
        "2024-01-29",
    );
    let instruments = vec![choice.clone(), comprehensive];
    let after = ask_with(
        &instruments,
        &query(
            "HK",
            CivilCommercial,
            RecognitionAndEnforcement,
            "2024-06-01",
        ),
    );
    assert_eq!(
        ids(&after),
        [
            "cn-hk-judgments-2019",
            "cn-hk-choice-of-court-judgments-2006",
            "fallback"
        ]
    );
    let c = &after.channels[1];
    assert!(
        c.conditions[0].starts_with("only for judgments under written choice-of-court agreements concluded before 2024-01-29"),
        "{:?}",
        c.conditions
    );
    assert!(c.conditions[0].ends_with("otherwise terminated with effect from 2024-01-29"));
    assert!(
        c.explanation.contains("a transitional end"),
        "{}",
        c.explanation
    );
    assert!(
        after
            .not_applicable
            .iter()
            .all(|n| n.instrument_id != choice.id)
    );
    let before = ask_with(
        &instruments,
        &query(
            "HK",
            CivilCommercial,
            RecognitionAndEnforcement,
            "2023-06-01",
        ),
    );
    assert_eq!(
        ids(&before),
        ["cn-hk-choice-of-court-judgments-2006", "fallback"]
    );
    assert!(
        !before.channels[0]
            .conditions
            .iter()
            .any(|x| x.starts_with("only for"))
    );
    // Without the clause, termination ends it outright.
    for p in &mut choice.parties {
        p.continues_for.clear();
    }
    let plain = ask_with(
        &[choice],
        &query(
            "HK",
            CivilCommercial,
            RecognitionAndEnforcement,
            "2024-06-01",
        ),
    );
    assert_eq!(
        reasons(&plain),
        [(
            "cn-hk-choice-of-court-judgments-2006",
            NotApplicableReason::Terminated
        )]
    );
}
