//! Tests of what answers say: reasons with dates, authorities, means of
//! transmission, conditions, uncertainty and explanations.

use super::fixtures::*;
use super::*;

use Assistance::*;
use Matter::*;

#[test]
fn reasons_carry_dates_and_coverage() {
    let instruments = all();
    let early = ask_with(
        &instruments,
        &query("FR", CivilCommercial, ServiceOfDocuments, "1987-06-01"),
    );
    assert_eq!(
        find(&early, "cn-fr-civil-1987").reason,
        "signed 1987-05-04; enters into force 1988-02-08"
    );
    assert_eq!(
        find(&early, "hague-service-1965").reason,
        "for CN: enters into force 1992-01-01"
    );
    let extradition = ask_with(
        &instruments,
        &query("FR", Criminal, Extradition, "2024-01-01"),
    );
    assert_eq!(
        find(&extradition, "cn-fr-civil-1987").reason,
        "covers civil_commercial service_of_documents, taking_of_evidence; not criminal extradition"
    );
    assert_eq!(
        find(&extradition, "untoc-2000").reason,
        "France excludes extradition under Art. 16"
    );
    let late = ask_with(
        &instruments,
        &query("SE", Criminal, TakingOfEvidence, "2012-01-01"),
    );
    assert_eq!(
        find(&late, "cn-se-criminal-1994").reason,
        "in force from 1995-01-01; terminated with effect from 2010-01-01 (notice given 2009-06-30)"
    );
    let mut postal = query("FR", CivilCommercial, ServiceOfDocuments, "2024-01-01");
    postal.transmission = Some("postal".into());
    // A treaty whose text provides only for its central authorities.
    let mut with_means = instruments.clone();
    for inst in &mut with_means {
        if inst.id == "cn-fr-civil-1987" {
            for c in &mut inst.coverage {
                c.transmissions = vec!["central_authority".into()];
            }
        }
    }
    let postal = ask_with(&with_means, &postal);
    // Review finding 21: both instruments stay and both say post is not available.
    let by_id = |id: &str| {
        postal
            .channels
            .iter()
            .find(|c| c.instrument_id.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("{id} not offered: {postal:#?}"))
    };
    assert_eq!(
        by_id("hague-service-1965").conditions[0],
        "postal service not available: China objects under Art. 10; use central_authority, diplomatic"
    );
    assert!(
        by_id("cn-fr-civil-1987").conditions[0]
            .starts_with("postal service not available: not a recorded means of transmission under this instrument; use central_authority"),
        "{:?}",
        by_id("cn-fr-civil-1987").conditions
    );
    let gb = ask_with(
        &instruments,
        &query("GB", CivilCommercial, ServiceOfDocuments, "2024-01-01"),
    );
    assert_eq!(
        find(&gb, "hague-service-1965").reason,
        // review finding 1: not a party only because the list is complete on the date.
        "GB is not a party (the party list is complete as of 2024-03-21)"
    );
    let de = ask_with(
        &instruments,
        &query("DE", CivilCommercial, TakingOfEvidence, "2024-01-01"),
    );
    // review finding 2: offered as uncertain, saying what is unknown.
    let c = de
        .channels
        .iter()
        .find(|c| c.instrument_id.as_deref() == Some("hague-evidence-1970"))
        .unwrap();
    assert_eq!(
        c.uncertain.as_deref(),
        Some(
            "CN's accession needs acceptance and DE's acceptance is not recorded (unknown, not refused)"
        )
    );
    let hk = ask_with(
        &instruments,
        &query("HK", CivilCommercial, ServiceOfDocuments, "2024-01-01"),
    );
    assert!(
        find(&hk, "hague-service-1965")
            .reason
            .contains("HK is a region of CN (extended to it)")
    );
    assert!(
        find(&hk, "hk-mo-civil-service-2005")
            .reason
            .contains("between HK and MO")
    );
    let mut narcotics = query("FR", Criminal, AssetRecovery, "2024-01-01");
    narcotics.offence = Some("Narcotics".into());
    let narcotics = ask_with(&instruments, &narcotics);
    assert_eq!(
        find(&narcotics, "uncac-2003").reason,
        // The offence vocabulary (issue 16 item 4): `narcotics` is an alias of drug_trafficking.
        "covers only offences of corruption; not drug_trafficking"
    );
}

#[test]
fn a_treaty_channel_names_everything() {
    let answer = ask_with(
        &all(),
        &query("FR", CivilCommercial, ServiceOfDocuments, "2024-01-01"),
    );
    let c = &answer.channels[0];
    assert_eq!(c.kind, ChannelKind::BilateralTreaty);
    assert_eq!(c.instrument_id.as_deref(), Some("cn-fr-civil-1987"));
    assert!(c.title.starts_with("Agreement between China and France"));
    assert_eq!(c.articles, "Arts 7-10");
    assert_eq!(c.home_authority, "Ministry of Justice");
    assert_eq!(c.foreign_authority, "Ministère de la Justice");
    assert_eq!(c.transmission, "central_authority");
    assert_eq!(
        c.explanation,
        "China–France treaty in force since 1988-02-08 covers civil_commercial service_of_documents"
    );
    assert_eq!(c.uncertain, None);
}

#[test]
fn a_convention_channel_drops_excluded_means_and_lists_declarations() {
    let answer = ask_with(
        &all(),
        &query("FR", CivilCommercial, ServiceOfDocuments, "2024-01-01"),
    );
    let c = &answer.channels[1];
    assert_eq!(c.kind, ChannelKind::MultilateralConvention);
    assert_eq!(c.transmission, "central_authority, diplomatic");
    assert_eq!(
        c.conditions,
        [
            "no service by postal (CN objects under Art. 10)",
            "no service by direct (CN objects under Art. 10)",
            "CN declaration under Art. 5: documents in or translated into Chinese",
        ]
    );
    assert_eq!(
        c.home_authority,
        "Ministry of Justice (International Legal Cooperation Center)"
    );
    assert_eq!(c.foreign_authority, "not recorded");
    assert_eq!(
        c.explanation,
        "Hague Service 1965 in force between China and France since 1992-01-01 covers civil_commercial service_of_documents"
    );
}

#[test]
fn offence_scope_is_a_condition_when_no_offence_is_given() {
    let answer = ask_with(&all(), &query("FR", Criminal, AssetRecovery, "2024-01-01"));
    assert_eq!(ids(&answer), ["uncac-2003", "fallback"]);
    assert_eq!(
        answer.channels[0].conditions,
        ["only for offences within its scope: corruption"]
    );
}

#[test]
fn an_uncertain_channel_says_what_is_unknown() {
    let answer = ask_with(&all(), &query("KE", Criminal, Extradition, "2005-06-01"));
    let c = &answer.channels[1];
    assert_eq!(c.instrument_id.as_deref(), Some("cn-ke-extradition-2005"));
    assert_eq!(
        c.uncertain.as_deref(),
        Some("entered into force 2005 (month and day unknown)")
    );
    assert!(
        c.explanation.contains("possibly in force"),
        "{}",
        c.explanation
    );
    // No authority recorded: China's default for extradition.
    assert_eq!(
        c.home_authority,
        "Ministry of Foreign Affairs (Extradition Law Art. 4)"
    );
    assert!(answer.channels[0].uncertain.is_none());
}

#[test]
fn reciprocity_carries_china_s_conditions() {
    // Changed for review findings 7 and 8: the reciprocity undertaking for
    // extradition is Extradition Law Art. 15 (not Art. 3), nationals are a
    // mandatory refusal under Art. 8(1), and a civil diplomatic request goes
    // to the MFA Department of Consular Affairs with the higher people's
    // courts (1986 Notice), not to the MOJ/SPC.
    let answer = ask_with(&all(), &query("BR", Criminal, Extradition, "2024-01-01"));
    let c = &answer.channels[0];
    assert_eq!(c.kind, ChannelKind::Reciprocity);
    assert_eq!(c.instrument_id, None);
    assert_eq!(c.transmission, "diplomatic_channels");
    assert!(
        c.home_authority
            .starts_with("Ministry of Foreign Affairs (Extradition Law Arts 4, 10)"),
        "{}",
        c.home_authority
    );
    let want = "requests to China: a reciprocity undertaking, required only without an extradition treaty (Extradition Law Art. 15)";
    assert!(
        c.conditions.iter().any(|x| x == want),
        "{want}: {:?}",
        c.conditions
    );
    assert!(
        c.conditions
            .iter()
            .any(|x| x.contains("Chinese national (Art. 8(1))"))
    );
    assert!(c.conditions.iter().any(|x| x.contains("dual criminality")));

    let mla = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &query("BR", Criminal, TakingOfEvidence, "2024-06-01"),
    )
    .unwrap();
    let undertaking = mla
        .conditions
        .iter()
        .find(|x| x.contains("reciprocity undertaking"))
        .expect("undertaking");
    assert!(undertaking.contains("ICJA Art. 13(2)"), "{undertaking}");
    assert!(
        undertaking.contains("2024 Provisions Art. 2"),
        "{undertaking}"
    );

    let civil = primary(
        "CN",
        &Listed::new(&world(), &[]),
        &query("BR", CivilCommercial, ServiceOfDocuments, "2024-01-01"),
    )
    .unwrap();
    assert_eq!(
        civil.home_authority,
        "Ministry of Foreign Affairs (Department of Consular Affairs), with the higher people's courts (1986 Notice)"
    );
    assert!(
        civil
            .conditions
            .iter()
            .any(|x| x.starts_with("requests to China: a letter of request")
                && x.contains("Chinese translation"))
    );
}

#[test]
fn another_home_state_gets_general_terms() {
    let mut q = query("BR", Criminal, Extradition, "2024-01-01");
    q.explain = true;
    let c = primary("FR", &Listed::new(&world(), &[]), &q).unwrap();
    assert!(
        c.conditions
            .iter()
            .any(|x| x == "France may refuse to extradite its own nationals")
    );
    assert!(!c.conditions.iter().any(|x| x.contains("China")));
    assert!(c.explanation.contains("no rules are recorded for France"));
}

#[test]
fn own_region_fallback_is_inter_regional_not_diplomatic() {
    let answer = ask_with(
        &all(),
        &query("HK", CivilCommercial, ServiceOfDocuments, "2024-01-01"),
    );
    let arrangement = &answer.channels[0];
    assert_eq!(arrangement.kind, ChannelKind::Arrangement);
    assert_eq!(arrangement.foreign_authority, "High Court of the HKSAR");
    assert_eq!(
        arrangement.home_authority,
        "Supreme People's Court (through the higher people's courts)"
    );
    let last = answer.channels.last().unwrap();
    assert_eq!(last.kind, ChannelKind::Reciprocity);
    assert!(
        last.title
            .starts_with("Inter-regional cooperation outside the arrangements")
    );
    assert_ne!(last.transmission, "diplomatic_channels");
    assert!(last.conditions.iter().any(|c| c.contains("no arrangement")));
}

#[test]
fn explain_traces_statuses_and_reservations() {
    let mut q = query("FR", CivilCommercial, ServiceOfDocuments, "2024-01-01");
    q.explain = true;
    let answer = ask_with(&all(), &q);
    let hague = &answer.channels[1].explanation;
    assert!(
        hague.starts_with("Hague Service 1965 in force between China and France since 1992-01-01")
    );
    for part in [
        "China (CN): in force; ratified or acceded 1991-05-06, entry into force 1992-01-01",
        "France (FR): in force",
        "Reservations considered: CN Art. 10 (excludes postal, direct); CN Art. 5",
        "Transmission: central_authority, diplomatic",
    ] {
        assert!(hague.contains(part), "{part}: {hague}");
    }
    let reciprocity = &answer.channels[2].explanation;
    // Review finding 6: with a treaty in force, reciprocity is not an equal alternative.
    assert!(
        reciprocity.starts_with("Not an equal alternative:"),
        "{reciprocity}"
    );
    assert!(reciprocity.contains("China's rules"), "{reciprocity}");
}

// Issue 16 item 4: an offence outside the vocabulary is refused, naming the known words.
#[test]
fn an_unknown_offence_is_an_error_listing_the_known_ones() {
    let mut q = query("FR", Criminal, Extradition, "2024-01-01");
    q.offence = Some("jaywalking".into());
    let jurisdictions = world();
    let instruments = all();
    let refs: Vec<&Instrument> = instruments.iter().collect();
    let err = route("CN", &Listed::new(&jurisdictions, &refs), &q).unwrap_err();
    match err {
        RouteError::UnknownOffence(word, known) => {
            assert_eq!(word, "jaywalking");
            assert!(known.contains("corruption") && known.contains("drug_trafficking"));
        }
        other => panic!("{other:?}"),
    }
}
