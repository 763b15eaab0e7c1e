//! Cooperation without an instrument: the home state's rules for requests
//! through diplomatic channels on the principle of reciprocity (and, for
//! foreign judgments and awards, for an application to the court), built for
//! the date of the query from the statute text in force on it, and the
//! default authorities used when an instrument names none.
//!
//! China's rules are taken from the statute texts (LawRefBook/Laws): the
//! Civil Procedure Law (CPL) 2023 text and its earlier numberings, the
//! International Criminal Judicial Assistance Law (ICJA, adopted and in force
//! 2018-10-26, Art. 70), the Extradition Law (in force 2000-12-28, Art. 55),
//! the SPC/MFA/MOJ notice Wai Fa [1986] No. 47 on the diplomatic channel, and
//! the rows `cn-civil-procedure-law`, `cn-icja-2018`, `cn-extradition-law-2000`
//! and `diplomatic-channel-reciprocity` of the facts base
//! (practical-requirements.csv). A statute is cited only for dates it was in
//! force; an article number is cited only where a source gives it.

use crate::date::CalendarDate;
use crate::vocabulary::{Assistance, ChannelKind, InstrumentKind, Matter};

use super::{Channel, Context, Direction, Place};

/// Which requests a condition concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Every request of the row.
    Always,
    /// Only when no treaty or convention governs the request (the
    /// reciprocity undertaking): dropped when an instrument applies.
    WithoutInstrument,
    /// Requests the counterpart sends to the home state.
    Incoming,
    /// Requests the home state sends.
    Outgoing,
    /// Incoming, and only when no instrument governs the request.
    IncomingWithoutInstrument,
}

/// One condition of cooperation without an instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Which requests it concerns.
    pub applies: Applies,
    /// The condition, with its article.
    pub text: String,
}

/// The home state's rule for (matter, assistance) on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReciprocityRule {
    /// The matter the rule serves.
    pub matter: Matter,
    /// The channel's title.
    pub title: String,
    /// The legal basis in force on the date, shown as the channel's articles.
    pub basis: String,
    /// The home authority for requests without an instrument.
    pub authority: String,
    /// Means of transmission (`diplomatic_channels`, `application_to_court`).
    pub transmission: &'static str,
    /// The home authority assumed when a treaty or convention names none.
    pub instrument_authority: String,
    /// The home authority for an arrangement that names none.
    pub inter_regional_authority: String,
    /// Conditions, each tagged with the requests it concerns.
    pub conditions: Vec<Condition>,
    /// What the home law says when an instrument applies: the fallback then
    /// covers only what the instrument does not govern, with the articles.
    pub confined: String,
}

const fn day(year: i32, month: u8, day: u8) -> CalendarDate {
    CalendarDate { year, month, day }
}

/// The 1986 notice on the diplomatic channel (SPC, MFA and MOJ, 1986-08-14).
const NOTICE_1986: CalendarDate = day(1986, 8, 14);
/// CPL 1991, adopted and in force 1991-04-09 (its header; facts row `cn-civil-procedure-law`).
const CPL_1991: CalendarDate = day(1991, 4, 9);
/// First amendment, adopted 2007-10-28 (CPL header): from then on the 1991
/// numbering is no longer certain, and the sources give no 2007 numbering.
const CPL_2007: CalendarDate = day(2007, 10, 28);
/// Second amendment in force 2013-01-01 (chinalawinsight.com). The third
/// (2017-06-27, in force 2017-07-01, lvdaofabao.com) only added a paragraph
/// to Art. 55, so the 2012 numbering is the "2017 numbering" the facts quote.
const CPL_2012: CalendarDate = day(2013, 1, 1);
/// Fourth amendment (2021-12-24), in force 2022-01-01 (law.esnai.com lawid=201747): renumbered.
const CPL_2021: CalendarDate = day(2022, 1, 1);
/// Fifth amendment (2023-09-01), in force 2024-01-01 (facts): renumbered, new recognition grounds.
const CPL_2023: CalendarDate = day(2024, 1, 1);
/// The 2022 Minutes (point 44) date from January 2022; cited from the next month on.
const MINUTES_2022: CalendarDate = day(2022, 2, 1);
/// The SPC Interpretation of the CPL as revised, dated 2022-04-01 (LawRefBook file).
const INTERPRETATION_2022: CalendarDate = day(2022, 4, 1);
/// The Extradition Law, in force 2000-12-28 (Art. 55).
const EXTRADITION_LAW: CalendarDate = day(2000, 12, 28);
/// The ICJA, adopted and in force 2018-10-26 (Art. 70).
const ICJA: CalendarDate = day(2018, 10, 26);
/// The ICJA implementing Provisions, dated 2024-04-22.
const PROVISIONS_2024: CalendarDate = day(2024, 4, 22);

/// Every date on which the home state's law, as these rows cite it, changes:
/// the answer's date intervals (`routing::DateBoundaries`) must include them.
/// A new dated constant above belongs in this list.
pub const DOMESTIC_LAW_DATES: &[CalendarDate] = &[
    NOTICE_1986,
    CPL_1991,
    CPL_2007,
    CPL_2012,
    CPL_2021,
    CPL_2023,
    MINUTES_2022,
    INTERPRETATION_2022,
    EXTRADITION_LAW,
    ICJA,
    PROVISIONS_2024,
];

/// The CPL text in force on a date, by its article numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum CplText {
    NotYet,
    Of1991,
    /// 2007-10-28 to 2012: the numbering is not recorded.
    Of2007,
    Of2012,
    Of2021,
    Of2023,
}

fn cpl_text(on: CalendarDate) -> CplText {
    if on >= CPL_2023 {
        CplText::Of2023
    } else if on >= CPL_2021 {
        CplText::Of2021
    } else if on >= CPL_2012 {
        CplText::Of2012
    } else if on >= CPL_2007 {
        CplText::Of2007
    } else if on >= CPL_1991 {
        CplText::Of1991
    } else {
        CplText::NotYet
    }
}

/// The article correspondences the sources give, by 2023 number: (2023,
/// 2021, 2012/2017, 1991). CPL 2023 Arts 299-301 and 303 are new in 2023.
/// One article's numbers: 2023, then 2021, 2012/2017 and 1991 where known.
type Numbers = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const CPL_ARTICLES: &[Numbers] = &[
    ("293", Some("283"), None, None),
    ("294", Some("284"), Some("277"), Some("263")),
    ("295", Some("285"), None, None),
    ("296", Some("286"), None, None),
    ("297", Some("287"), None, None),
    ("298", Some("288"), None, None),
    ("304", Some("290"), None, None),
    ("250", Some("246"), None, None),
];

/// "CPL Art. 294(2) (2023 text; Art. 284 in the 2021 text)": the article by
/// its 2023 number (with a paragraph), cited in the numbering in force on
/// `on`, with the previous number after a renumbering when a source gives it.
fn cpl(on: CalendarDate, article: &str) -> String {
    let number: String = article.chars().take_while(char::is_ascii_digit).collect();
    // Paragraph numbers are given for the 2023 text only: the sources
    // give the old article numbers, not their paragraphs.
    let row = CPL_ARTICLES.iter().find(|r| r.0 == number);
    let (a2021, a2012, a1991) = row.map_or((None, None, None), |r| (r.1, r.2, r.3));
    match cpl_text(on) {
        CplText::Of2023 => match a2021 {
            Some(old) => format!("CPL Art. {article} (2023 text; Art. {old} in the 2021 text)"),
            None => format!("CPL Art. {article} (2023 text)"),
        },
        CplText::Of2021 => match (a2021, a2012) {
            (Some(n), Some(old)) => {
                format!("CPL Art. {n} (2021 text; Art. {old} in the 2017 text)")
            }
            (Some(n), None) => format!("CPL Art. {n} (2021 text)"),
            (None, _) => {
                format!("CPL (2021 text; no article corresponds to Art. {number} of the 2023 text)")
            }
        },
        CplText::Of2012 => match a2012 {
            Some(n) => format!("CPL Art. {n} (2012 text as amended in 2017)"),
            None => format!(
                "CPL (2012 text as amended in 2017; the article number is not recorded: Art. {number} in the 2023 text)"
            ),
        },
        CplText::Of2007 => format!(
            "CPL (as amended in 2007; the article number is not recorded: Art. {number} in the 2023 text)"
        ),
        CplText::Of1991 => match a1991 {
            Some(n) => format!("CPL Art. {n} (1991 text)"),
            None => format!(
                "CPL (1991 text; the article number is not recorded: Art. {number} in the 2023 text)"
            ),
        },
        CplText::NotYet => "no Civil Procedure Law in force (before 1991-04-09)".to_owned(),
    }
}

/// The CPL's judicial-assistance articles in force on `on`, for the basis line.
fn cpl_chapter(on: CalendarDate) -> String {
    match cpl_text(on) {
        CplText::Of2023 => "CPL Arts 293-296 (2023 text; Arts 283-286 in the 2021 text)".to_owned(),
        CplText::Of2021 => {
            "CPL Arts 283-286 (2021 text; Art. 284 was Art. 277 in the 2017 text)".to_owned()
        }
        CplText::Of2012 => "CPL Art. 277 and the judicial-assistance chapter (2012 text as amended in 2017; other article numbers not recorded)".to_owned(),
        CplText::Of2007 => "CPL judicial-assistance chapter (as amended in 2007; article numbers not recorded, Art. 263 in the 1991 text)".to_owned(),
        CplText::Of1991 => "CPL Art. 263 and the judicial-assistance chapter (1991 text)".to_owned(),
        CplText::NotYet => "no Civil Procedure Law in force (before 1991-04-09)".to_owned(),
    }
}

fn c(applies: Applies, text: impl Into<String>) -> Condition {
    Condition {
        applies,
        text: text.into(),
    }
}

/// China's rule for (matter, assistance) on `on`.
fn china(matter: Matter, assistance: Assistance, on: CalendarDate) -> ReciprocityRule {
    match (matter, assistance) {
        (Matter::Criminal, Assistance::Extradition) => china_extradition(on),
        (Matter::Criminal, Assistance::TransferOfSentencedPersons) => china_transfer(on),
        (Matter::Criminal, _) => china_criminal(on),
        (Matter::CivilCommercial, Assistance::RecognitionAndEnforcement) => china_judgments(on),
        (Matter::CivilCommercial, Assistance::RecognitionOfArbitralAwards) => china_awards(on),
        (Matter::CivilCommercial, Assistance::InterimMeasures) => china_interim(),
        (Matter::CivilCommercial, _) => china_civil(on),
    }
}

/// Civil requests through diplomatic channels (review findings 6, 7).
fn china_civil(on: CalendarDate) -> ReciprocityRule {
    let mut basis = cpl_chapter(on);
    if on >= NOTICE_1986 {
        basis.push_str("; 1986 Notice Wai Fa [1986] No. 47");
    }
    let authority = if on >= NOTICE_1986 {
        "Ministry of Foreign Affairs (Department of Consular Affairs), with the higher people's \
         courts (1986 Notice)"
    } else {
        "not recorded (before the 1986 Notice)"
    };
    let mut conditions = Vec::new();
    if cpl_text(on) != CplText::NotYet {
        conditions.push(c(
            Applies::Always,
            format!(
                "through diplomatic channels only where no treaty governs the request ({})",
                cpl(on, "294(1)")
            ),
        ));
        conditions.push(c(
            Applies::Incoming,
            format!(
                "may be refused where it harms China's sovereignty, security or public interest ({})",
                cpl(on, "293")
            ),
        ));
    }
    if on >= NOTICE_1986 {
        conditions.push(c(
            Applies::Incoming,
            "from the foreign embassy to the MFA Department of Consular Affairs, then to the \
             higher people's court, which has an intermediate court execute it; the return \
             goes back the same way (1986 Notice part I)",
        ));
    }
    if cpl_text(on) >= CplText::Of2021 || on >= NOTICE_1986 {
        let article = if cpl_text(on) >= CplText::Of2021 {
            format!("{}; ", cpl(on, "295(1)"))
        } else {
            String::new()
        };
        conditions.push(c(
            Applies::Incoming,
            format!(
                "a letter of request, and the request and documents with a Chinese translation \
                 ({article}1986 Notice part I(2))"
            ),
        ));
    }
    if cpl_text(on) == CplText::Of2023 {
        conditions.push(c(
            Applies::Incoming,
            format!(
                "foreign embassies and consulates may serve documents on and take evidence from \
                 their own nationals only, without compulsion; otherwise no foreign body or \
                 person may serve documents or take evidence in China without permission ({})",
                cpl(on, "294(2)-(3)")
            ),
        ));
        conditions.push(c(
            Applies::Incoming,
            format!(
                "executed under Chinese procedure; a special method asked for may be followed \
                 if it does not violate Chinese law ({})",
                cpl(on, "296")
            ),
        ));
    }
    if on >= NOTICE_1986 {
        let article = if cpl_text(on) == CplText::Of2023 {
            format!("{}; ", cpl(on, "295(2)"))
        } else {
            String::new()
        };
        conditions.push(c(
            Applies::Outgoing,
            format!(
                "the higher people's court reviews the request and the MFA Department of \
                 Consular Affairs transmits it, with a translation into the requested state's \
                 language or an accepted third language ({article}1986 Notice part II)"
            ),
        ));
    }
    if conditions.is_empty() {
        conditions.push(c(
            Applies::Always,
            "no domestic rule for this date is recorded",
        ));
    }
    ReciprocityRule {
        matter: Matter::CivilCommercial,
        title: "Diplomatic channels on the principle of reciprocity".to_owned(),
        basis,
        authority: authority.to_owned(),
        transmission: "diplomatic_channels",
        instrument_authority: "Ministry of Justice".to_owned(),
        inter_regional_authority: "Supreme People's Court (through the higher people's courts)"
            .to_owned(),
        conditions,
        confined: format!(
            "only for what the applicable treaty or convention does not govern: requests \
             \"shall\" use the treaty's channels, and diplomatic channels serve only where there \
             is no treaty relationship ({})",
            cpl(on, "294(1)")
        ),
    }
}

/// Foreign judgments without a treaty: the party's application to the
/// competent intermediate people's court, not a diplomatic request (review finding 3).
fn china_judgments(on: CalendarDate) -> ReciprocityRule {
    let text = cpl_text(on);
    let mut basis = match text {
        CplText::Of2023 => "CPL Arts 297-303 (2023 text; Arts 287-289 in the 2021 text)".to_owned(),
        CplText::Of2021 => "CPL Arts 287-289 (2021 text)".to_owned(),
        _ => format!(
            "{} (the recognition articles of that text are not recorded)",
            cpl_chapter(on)
        ),
    };
    if on >= INTERPRETATION_2022 {
        basis.push_str("; CPL Interpretation (2022) Arts 541-545");
    }
    if on >= MINUTES_2022 {
        basis.push_str(
            "; 2022 Minutes point 44 (secondary source: ABLI summary, abli.asia/?p=1477)",
        );
    }
    let mut conditions = vec![c(
        Applies::Incoming,
        format!(
            "the party applies directly to the competent intermediate people's court; the \
             foreign court may instead ask for recognition under a treaty or on reciprocity \
             ({}); no request through diplomatic channels is involved",
            cpl(on, "298")
        ),
    )];
    if on >= MINUTES_2022 {
        conditions.push(c(
            Applies::IncomingWithoutInstrument,
            "without a treaty, reciprocity must be found: where the foreign law allows \
             recognition of Chinese judgments, a reciprocity memorandum or consensus exists, or \
             reciprocal commitments were made through diplomatic channels, unless the foreign \
             state refused a Chinese judgment for lack of reciprocity (2022 Minutes point 44, \
             per a secondary summary; the Minutes' text was not retrieved)",
        ));
    }
    if on >= INTERPRETATION_2022 {
        conditions.push(c(
            Applies::IncomingWithoutInstrument,
            "with neither treaty nor reciprocity the application is rejected, foreign divorce \
             judgments excepted (CPL Interpretation 2022 Art. 542)",
        ));
        conditions.push(c(
            Applies::Incoming,
            "the application carries the original or a certified copy of the judgment with a \
             Chinese translation, and for a default judgment proof of lawful summons (CPL \
             Interpretation 2022 Art. 541)",
        ));
    }
    match text {
        CplText::Of2023 => {
            conditions.push(c(
                Applies::Incoming,
                "refused where the foreign court lacked jurisdiction (Art. 301), the respondent \
                 was not lawfully summoned or had no fair chance to be heard, the judgment was \
                 obtained by fraud, a Chinese or recognised third-state judgment on the same \
                 dispute exists, or basic principles of Chinese law, sovereignty, security or \
                 public interest would be violated (CPL Arts 299-301, 2023 text)",
            ));
            conditions.push(c(
                Applies::Incoming,
                "the ruling may be reviewed by the next higher court on application within 10 \
                 days of service (CPL Art. 303, 2023 text)",
            ));
        }
        CplText::Of2021 => conditions.push(c(
            Applies::Incoming,
            "reviewed under the treaty or reciprocity; refused where it violates the basic \
             principles of Chinese law, sovereignty, security or public interest (CPL Art. 289, \
             2021 text; the express grounds of Arts 299-301 date from 2024)",
        )),
        _ => {}
    }
    if text >= CplText::Of2021 {
        conditions.push(c(
            Applies::Incoming,
            format!("application period: two years ({})", cpl(on, "250")),
        ));
        conditions.push(c(
            Applies::Outgoing,
            format!(
                "to enforce a Chinese judgment abroad the party applies to the foreign court, or \
                 the Chinese court asks for recognition under a treaty or on reciprocity ({})",
                cpl(on, "297")
            ),
        ));
    }
    conditions.push(c(
        Applies::Always,
        "this answer is for judgments: arbitral awards are recognition_of_arbitral_awards (New \
         York Convention; CPL Art. 304) and interim measures are interim_measures",
    ));
    ReciprocityRule {
        matter: Matter::CivilCommercial,
        title: "Application by the party to the competent intermediate people's court \
                (recognition on reciprocity)"
            .to_owned(),
        basis,
        authority: "the competent intermediate people's court, on the party's application"
            .to_owned(),
        transmission: "application_to_court",
        instrument_authority: "the competent intermediate people's court, on the party's \
                               application"
            .to_owned(),
        inter_regional_authority: "the competent intermediate people's court, on the party's \
                                   application"
            .to_owned(),
        conditions,
        confined: format!(
            "on reciprocity only where no treaty governs the recognition; under a treaty the \
             court reviews the application as the treaty provides ({})",
            cpl(on, "298")
        ),
    }
}

/// Foreign arbitral awards without a convention or treaty (review finding 3).
fn china_awards(on: CalendarDate) -> ReciprocityRule {
    let basis = match cpl_text(on) {
        CplText::Of2023 | CplText::Of2021 => cpl(on, "304"),
        _ => format!(
            "{} (the awards article of that text is not recorded)",
            cpl_chapter(on)
        ),
    };
    let court = if cpl_text(on) == CplText::Of2023 {
        "the intermediate people's court where the respondent is domiciled or has property, or \
         the applicant's domicile or a place connected with the dispute"
    } else {
        "the intermediate people's court where the respondent is domiciled or has property"
    };
    ReciprocityRule {
        matter: Matter::CivilCommercial,
        title: "Application by the party to the competent intermediate people's court \
                (awards on reciprocity)"
            .to_owned(),
        basis: basis.clone(),
        authority: format!("{court}, on the party's application"),
        transmission: "application_to_court",
        instrument_authority: format!("{court}, on the party's application"),
        inter_regional_authority: "the competent intermediate people's court, on the party's \
                                   application"
            .to_owned(),
        conditions: vec![
            c(
                Applies::Incoming,
                format!(
                    "the party applies to {court}, which decides under the treaties China \
                     concluded or joined, or on reciprocity ({basis})"
                ),
            ),
            c(
                Applies::Always,
                "this answer is for arbitral awards: judgments are recognition_and_enforcement",
            ),
        ],
        confined: format!(
            "on reciprocity only for awards no convention or treaty governs ({basis})"
        ),
    }
}

/// Interim measures: no home-law rule without an instrument is recorded.
fn china_interim() -> ReciprocityRule {
    ReciprocityRule {
        matter: Matter::CivilCommercial,
        title: "No rule recorded for interim measures without an instrument".to_owned(),
        basis: "not recorded".to_owned(),
        authority: "not recorded".to_owned(),
        transmission: "not_recorded",
        instrument_authority: "not recorded".to_owned(),
        inter_regional_authority: "the competent intermediate people's court, on the party's \
                                   application"
            .to_owned(),
        conditions: vec![c(
            Applies::Always,
            "the home law's rule for court-ordered interim measures without an instrument is \
             not recorded in this dataset",
        )],
        confined: "only for what the applicable instrument does not govern".to_owned(),
    }
}

/// Criminal mutual legal assistance without a treaty (review findings 6, 11, 18).
fn china_criminal(on: CalendarDate) -> ReciprocityRule {
    if on < ICJA {
        return before_icja(Matter::Criminal, "criminal judicial assistance");
    }
    let mut basis = "ICJA Arts 4-6, 9-11, 13-16 (2018)".to_owned();
    let undertaking = if on >= PROVISIONS_2024 {
        basis.push_str("; 2024 Provisions Arts 2-5");
        "a written reciprocity undertaking, required only without a treaty (ICJA Art. 13(2)); \
         made by the diplomatic mission or a central-level authority, promising equal \
         assistance for similar Chinese requests, with no extra conditions (2024 Provisions \
         Art. 2)"
    } else {
        "a written reciprocity undertaking, required only without a treaty (ICJA Art. 13(2))"
    };
    ReciprocityRule {
        matter: Matter::Criminal,
        title: "Diplomatic channels on the principle of reciprocity".to_owned(),
        basis,
        authority: "Ministry of Foreign Affairs (diplomatic channels, ICJA Art. 5(3)); Ministry \
                    of Justice and the other liaison authorities (Art. 5(2)); the competent \
                    authority under Art. 6(1): NSC, SPC, SPP, MPS or MSS"
            .to_owned(),
        transmission: "diplomatic_channels",
        instrument_authority: "Ministry of Justice".to_owned(),
        inter_regional_authority: "not recorded".to_owned(),
        conditions: vec![
            c(
                Applies::Always,
                "without a criminal judicial assistance treaty, contact goes through \
                 diplomatic channels (ICJA Art. 5(3))",
            ),
            c(Applies::IncomingWithoutInstrument, undertaking),
            c(
                Applies::Incoming,
                "the request and its attachments come with a Chinese translation (ICJA Art. 13(3))",
            ),
            c(
                Applies::Incoming,
                "may be refused: not a crime under Chinese law; the offence is under \
                 investigation, prosecution or trial in China, finally judged, terminated or \
                 time-barred; a political or purely military offence; discrimination; no \
                 substantial link to the case (ICJA Art. 14)",
            ),
            c(
                Applies::Incoming,
                "the liaison authority may refuse directly a request that clearly harms \
                 China's sovereignty, security or public interest (ICJA Art. 15(2); the \
                 principle is Art. 4(2))",
            ),
            c(
                Applies::Incoming,
                "without the consent of the competent Chinese authority no foreign body may \
                 carry out criminal-procedure acts in China, and no one in China may provide \
                 evidence or assistance to a foreign state (ICJA Art. 4(3))",
            ),
            c(
                Applies::Incoming,
                "a summons to appear is requested at least three months before the hearing \
                 unless a treaty says otherwise; China need not serve summonses requiring its \
                 citizens to be interrogated or to appear as defendants (ICJA Art. 22(2)-(3))",
            ),
            c(
                Applies::Outgoing,
                "the competent authority reviews the request and the liaison authority sends \
                 it, in Chinese with a translation into the requested state's official \
                 language (ICJA Arts 9, 10)",
            ),
            c(
                Applies::Outgoing,
                "assurances the requested state demands are given by the Ministry of Foreign \
                 Affairs; the SPP decides limits on prosecution and the SPC sentencing \
                 assurances (ICJA Art. 11)",
            ),
        ],
        confined: "only for what the applicable treaty does not govern: without a treaty \
                   contact goes through diplomatic channels (ICJA Art. 5(3)) and a reciprocity \
                   undertaking is required (Art. 13(2)); with one, neither applies (treaties \
                   include conventions with assistance clauses, Art. 69)"
            .to_owned(),
    }
}

/// Transfer of sentenced persons without a treaty (review finding 17).
fn china_transfer(on: CalendarDate) -> ReciprocityRule {
    if on < ICJA {
        return before_icja(Matter::Criminal, "the transfer of sentenced persons");
    }
    ReciprocityRule {
        matter: Matter::Criminal,
        title: "Diplomatic channels on the principle of reciprocity".to_owned(),
        basis: "ICJA Arts 55-56, 59, 62, 64 (Chapter VIII, Arts 55-66); Art. 6(1)".to_owned(),
        authority: "Ministry of Justice (competent authority for transfers, ICJA Art. 6(1)); \
                    contact through diplomatic channels without a treaty (Art. 5(3))"
            .to_owned(),
        transmission: "diplomatic_channels",
        instrument_authority: "Ministry of Justice (ICJA Art. 6(1))".to_owned(),
        inter_regional_authority: "not recorded".to_owned(),
        conditions: vec![
            c(
                Applies::Always,
                "the sentenced person is a national of the receiving state; the conduct is an \
                 offence under its law too; the judgment is final; the person (or a \
                 representative) consents in writing; both states consent (ICJA Art. 56(1))",
            ),
            c(
                Applies::Always,
                "may be refused (optional grounds under the Law): death with reprieve or life \
                 imprisonment not commuted; less than one year of the sentence remains; \
                 proceedings pending in China (ICJA Art. 56(2)); China's transfer treaties make \
                 one year remaining a condition",
            ),
            c(
                Applies::Always,
                "the MOJ decides with the other competent departments (ICJA Art. 59); transfers \
                 of Chinese nationals to China follow the same rules by analogy (Art. 62), and \
                 their sentence is converted by an intermediate people's court (Art. 64)",
            ),
            c(
                Applies::IncomingWithoutInstrument,
                "a written reciprocity undertaking, required only without a treaty (ICJA Art. 13(2))",
            ),
        ],
        confined: "only for what the applicable transfer treaty does not govern: without a \
                   treaty contact goes through diplomatic channels (ICJA Art. 5(3)) and a \
                   reciprocity undertaking is required (Art. 13(2))"
            .to_owned(),
    }
}

/// Extradition without a treaty (review findings 6, 8).
fn china_extradition(on: CalendarDate) -> ReciprocityRule {
    if on < EXTRADITION_LAW {
        return ReciprocityRule {
            matter: Matter::Criminal,
            title: "Diplomatic channels on the principle of reciprocity".to_owned(),
            basis: "no Extradition Law in force (it entered into force on 2000-12-28, Art. 55); \
                    no domestic rule for this date is recorded"
                .to_owned(),
            authority: "Ministry of Foreign Affairs (diplomatic channels)".to_owned(),
            transmission: "diplomatic_channels",
            instrument_authority: "Ministry of Foreign Affairs".to_owned(),
            inter_regional_authority: "not recorded".to_owned(),
            conditions: vec![c(
                Applies::Always,
                "the Extradition Law (2000-12-28) was not yet in force: its conditions are not \
                 cited for this date",
            )],
            confined: "only for what the applicable instrument does not govern".to_owned(),
        };
    }
    ReciprocityRule {
        matter: Matter::Criminal,
        title: "Diplomatic channels on the principle of reciprocity".to_owned(),
        basis:
            "Extradition Law Arts 3-4, 7-15, 30-31, 47, 50 (reciprocity without a treaty: Art. 15)"
                .to_owned(),
        authority: "Ministry of Foreign Affairs (Extradition Law Arts 4, 10); urgent provisional \
                    arrest may also be sought in writing from the Ministry of Public Security \
                    (Art. 30); outgoing requests are reviewed by the SPC, SPP, MPS, MSS or MOJ \
                    with the MFA (Art. 47)"
            .to_owned(),
        transmission: "diplomatic_channels",
        instrument_authority: "Ministry of Foreign Affairs (Extradition Law Art. 4)".to_owned(),
        inter_regional_authority: "not recorded".to_owned(),
        conditions: vec![
            c(
                Applies::IncomingWithoutInstrument,
                "a reciprocity undertaking, required only without an extradition treaty \
                 (Extradition Law Art. 15)",
            ),
            c(
                Applies::Incoming,
                "equality and reciprocity; must not harm China's sovereignty, security or \
                 public interest (Extradition Law Art. 3)",
            ),
            c(
                Applies::Incoming,
                "dual criminality; the offence carries at least one year's imprisonment under \
                 both laws (prosecution), or at least six months of the sentence remain \
                 (enforcement) (Extradition Law Art. 7)",
            ),
            c(
                Applies::Incoming,
                "mandatory refusal: the person is a Chinese national (Art. 8(1)); a final \
                 judgment or termination of proceedings in China; a political offence or \
                 asylum; discrimination; a purely military offence; time-bar or pardon; \
                 torture or inhuman treatment; a default judgment without a retrial assurance \
                 (Extradition Law Art. 8)",
            ),
            c(
                Applies::Incoming,
                "optional refusal: China has jurisdiction and is prosecuting or about to \
                 prosecute; humanitarian grounds such as age or health (Extradition Law Art. 9)",
            ),
            c(
                Applies::Incoming,
                "the request goes to the MFA (Art. 10), formally signed or sealed, with a \
                 Chinese translation or one in another language the MFA accepts (Art. 13), and \
                 assurances of speciality and of liability for damage (Art. 14)",
            ),
            c(
                Applies::Incoming,
                "urgent provisional arrest through diplomatic channels or in writing to the \
                 Ministry of Public Security (Art. 30); lifted if the MFA receives no formal \
                 request within 30 days, extendable by 15 (Art. 31)",
            ),
            c(
                Applies::Outgoing,
                "the provincial court, procuratorate, police, state security or prison \
                 authority sends its opinion to the SPC, SPP, MPS, MSS or MOJ, which reviews it \
                 with the MFA; the MFA transmits the request (Extradition Law Art. 47)",
            ),
            c(
                Applies::Outgoing,
                "assurances the requested state demands are given by the MFA; the SPP decides \
                 limits on prosecution and the SPC sentencing assurances (Extradition Law Art. 50)",
            ),
        ],
        confined: "only for what the applicable treaty does not govern: a reciprocity promise \
                   is required only where there is no extradition treaty (Extradition Law Art. 15)"
            .to_owned(),
    }
}

/// Criminal requests dated before the ICJA entered into force: nothing of
/// the ICJA is cited (review finding 18).
fn before_icja(matter: Matter, what: &str) -> ReciprocityRule {
    ReciprocityRule {
        matter,
        title: "Diplomatic channels on the principle of reciprocity".to_owned(),
        basis: format!(
            "no statute on {what} in force on this date is recorded (China's statute on \
             criminal judicial assistance entered into force on 2018-10-26)"
        ),
        authority: "Ministry of Foreign Affairs (diplomatic channels)".to_owned(),
        transmission: "diplomatic_channels",
        instrument_authority: "Ministry of Justice".to_owned(),
        inter_regional_authority: "not recorded".to_owned(),
        conditions: vec![c(
            Applies::Always,
            "the domestic rules in force on this date are not recorded; the conditions of the \
             2018 statute are not cited for it",
        )],
        confined: "only for what the applicable instrument does not govern".to_owned(),
    }
}

/// Rules for a home state with none recorded: general terms only.
fn generic(matter: Matter, assistance: Assistance) -> ReciprocityRule {
    let (authority, conditions) = match (matter, assistance) {
        (Matter::Criminal, Assistance::Extradition) => (
            "Ministry of Foreign Affairs",
            vec![
                c(
                    Applies::IncomingWithoutInstrument,
                    "assurance of reciprocity",
                ),
                c(Applies::Always, "dual criminality"),
                c(
                    Applies::Always,
                    "{home} may refuse to extradite its own nationals",
                ),
            ],
        ),
        (Matter::Criminal, _) => (
            "not recorded",
            vec![c(
                Applies::IncomingWithoutInstrument,
                "an undertaking of reciprocity from the requesting state",
            )],
        ),
        (Matter::CivilCommercial, _) => (
            "not recorded",
            vec![c(
                Applies::Always,
                "requests through diplomatic channels on the principle of reciprocity",
            )],
        ),
    };
    ReciprocityRule {
        matter,
        title: "Diplomatic channels on the principle of reciprocity".to_owned(),
        basis: "principle of reciprocity (no national rules recorded)".to_owned(),
        authority: authority.to_owned(),
        transmission: "diplomatic_channels",
        instrument_authority: "not recorded".to_owned(),
        inter_regional_authority: "not recorded".to_owned(),
        conditions,
        confined: "only for what the applicable instrument does not govern".to_owned(),
    }
}

/// Returns whether rules are recorded for a home state (China's for `CN`).
pub fn has_national_rules(home: &str) -> bool {
    home == "CN"
}

/// Returns the home state's rule for (matter, assistance) on `on`: China's
/// for `CN`, general terms for any other state.
pub fn reciprocity_rule(
    home: &str,
    matter: Matter,
    assistance: Assistance,
    on: CalendarDate,
) -> ReciprocityRule {
    if has_national_rules(home) {
        china(matter, assistance, on)
    } else {
        generic(matter, assistance)
    }
}

/// The home authority assumed for an instrument of `kind` that names none.
pub(super) fn default_authority(ctx: &Context<'_>, kind: InstrumentKind) -> String {
    let q = ctx.query;
    let rule = reciprocity_rule(ctx.home, q.matter, q.assistance, q.on);
    match kind {
        InstrumentKind::Arrangement => rule.inter_regional_authority,
        InstrumentKind::BilateralTreaty
        | InstrumentKind::MultilateralConvention
        | InstrumentKind::DomesticLaw => rule.instrument_authority,
    }
}

/// Whether a condition is shown for a query's direction, and with what prefix.
fn shown(applies: Applies, direction: Direction, instrument: bool) -> Option<&'static str> {
    let incoming = match direction {
        Direction::Both => Some("requests to {home}: "),
        Direction::Incoming => Some(""),
        Direction::Outgoing => None,
    };
    let outgoing = match direction {
        Direction::Both => Some("requests from {home}: "),
        Direction::Outgoing => Some(""),
        Direction::Incoming => None,
    };
    match applies {
        Applies::Always => Some(""),
        Applies::WithoutInstrument => (!instrument).then_some(""),
        Applies::Incoming => incoming,
        Applies::IncomingWithoutInstrument => incoming.filter(|_| !instrument),
        Applies::Outgoing => outgoing,
    }
}

/// The last channel of every answer: for a region of the home state,
/// cooperation outside any arrangement; for anyone else, the home law's
/// channel without an instrument (diplomatic channels on reciprocity, or an
/// application to the court for judgments and awards). `applying` are the
/// channels offered before it: when one is certain, the home law confines
/// this channel to what the instrument does not govern, and it says so.
pub(super) fn fallback(ctx: &Context<'_>, applying: &[Channel]) -> Channel {
    let q = ctx.query;
    let rule = reciprocity_rule(ctx.home, q.matter, q.assistance, q.on);
    let home_name = ctx.name(ctx.home);
    let name = ctx.name(ctx.counterpart);
    let request = format!("{} {}", q.matter, q.assistance);
    if ctx.place == Place::OwnRegion {
        return own_region(ctx, &rule, !applying.is_empty());
    }
    // A certain instrument governs the request: the home law confines the
    // fallback (CPL Art. 294(1); ICJA Arts 5(3), 13(2); Extradition Law Art.
    // 15). Only uncertain ones: the fallback stands in case they are not in force.
    let certain: Vec<&Channel> = applying.iter().filter(|c| c.uncertain.is_none()).collect();
    let governed = !certain.is_empty();
    let names: Vec<&str> = certain
        .iter()
        .filter_map(|c| c.instrument_id.as_deref())
        .collect();
    let mut conditions: Vec<String> = Vec::new();
    if governed {
        conditions.push(format!("{} ({})", rule.confined, names.join(", ")));
    } else if !applying.is_empty() {
        conditions.push(format!(
            "applies if the instruments not proved in force on the date ({}) are not in force",
            applying
                .iter()
                .filter_map(|c| c.instrument_id.as_deref())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for cond in &rule.conditions {
        if let Some(prefix) = shown(cond.applies, q.direction, governed) {
            conditions.push(format!("{prefix}{}", cond.text).replace("{home}", home_name));
        }
    }
    let court = rule.transmission == "application_to_court";
    let mut explanation = match (governed, court) {
        (true, _) => format!(
            "Not an equal alternative: {home_name}'s law confines this channel to what the \
             applicable instrument does not govern"
        ),
        (false, true) => format!(
            "No treaty or convention applies: the party applies to {home_name}'s court; \
             recognition rests on reciprocity with {name}"
        ),
        (false, false) if !applying.is_empty() => format!(
            "Fallback: cooperation with {name} through diplomatic channels on the principle of \
             reciprocity, if the uncertain instruments are not in force"
        ),
        (false, false) => format!(
            "No treaty or convention applies: cooperation with {name} through diplomatic \
             channels on the principle of reciprocity"
        ),
    };
    if q.explain {
        let whose = if has_national_rules(ctx.home) {
            // Not the date itself: answers are the same throughout an
            // interval of dates (`DateBoundaries`), and the response carries
            // its on_date.
            format!(
                "its conditions are {home_name}'s rules for {request} in force on the date of the request"
            )
        } else {
            format!("no rules are recorded for {home_name}, so its conditions are general terms")
        };
        explanation.push_str(&format!(
            ". Legal basis: {}. Offered last; an instrument that applies governs the request; \
             {whose}",
            rule.basis
        ));
    }
    let title = if governed {
        format!(
            "{} (only for what the applicable instrument does not govern)",
            rule.title
        )
    } else {
        rule.title.clone()
    };
    Channel {
        kind: ChannelKind::Reciprocity,
        instrument_id: None,
        title,
        articles: rule.basis.clone(),
        home_authority: rule.authority.clone(),
        foreign_authority: "not recorded".to_owned(),
        transmission: rule.transmission.to_owned(),
        conditions,
        explanation,
        uncertain: None,
    }
}

/// The fallback for a region of the home state (review finding 9): treaties,
/// conventions and diplomatic reciprocity never govern a state's cooperation
/// with its own regions, extended to them or not.
fn own_region(ctx: &Context<'_>, rule: &ReciprocityRule, others: bool) -> Channel {
    let q = ctx.query;
    let home_name = ctx.name(ctx.home);
    let name = ctx.name(ctx.counterpart);
    let request = format!("{} {}", q.matter, q.assistance);
    let criminal = q.matter == Matter::Criminal;
    let formal = match (ctx.home, ctx.counterpart, criminal) {
        ("CN", "HK", true) => Some(
            "no formal channel is recorded: no Mainland-Hong Kong criminal arrangement was \
             found, and Hong Kong's Fugitive Offenders Ordinance (Cap. 503) s. 2 excludes \
             surrender arrangements with any other part of the People's Republic of China",
        ),
        ("CN", "MO", true) => Some(
            "no formal channel is recorded: no Mainland-Macao criminal arrangement was found \
             (talks on transferring sentenced persons were still under way in 2019; no \
             agreement was reported in March 2023)",
        ),
        _ => None,
    };
    let mut explanation = if others {
        format!(
            "Outside the arrangements: cooperation with {name} where no arrangement covers the request"
        )
    } else {
        match formal {
            Some(_) => format!(
                "No arrangement between {home_name} and {name} covering {request} is recorded: no formal channel"
            ),
            None => format!(
                "No arrangement between {home_name} and {name} covering {request} is recorded"
            ),
        }
    };
    if q.explain {
        explanation.push_str(&format!(
            ". {name} is a region of {home_name}: treaties and conventions between states, \
             extended to it or not, and reciprocity through diplomatic channels, never govern \
             their cooperation. Offered last"
        ));
    }
    let mut conditions = vec![
        format!(
            "only where no arrangement between {} and {} covers the request",
            ctx.home, ctx.counterpart
        ),
        format!(
            "{} is a region of {}: not diplomatic channels or reciprocity between states",
            ctx.counterpart, ctx.home
        ),
    ];
    match formal {
        Some(text) => conditions.push(text.to_owned()),
        None => conditions.push(
            "no arrangement is recorded for this request; how the competent authorities of both \
             sides cooperate without one is not recorded"
                .to_owned(),
        ),
    }
    Channel {
        kind: ChannelKind::Reciprocity,
        instrument_id: None,
        title: if others {
            "Inter-regional cooperation outside the arrangements (only where no arrangement \
             covers the request)"
        } else {
            "Inter-regional cooperation outside the arrangements (no arrangement is recorded \
             for this request)"
        }
        .to_owned(),
        articles: String::new(),
        home_authority: rule.inter_regional_authority.clone(),
        foreign_authority: "not recorded".to_owned(),
        transmission: if formal.is_some() {
            "none_recorded"
        } else {
            "case_by_case"
        }
        .to_owned(),
        conditions,
        explanation,
        uncertain: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_answers_every_request() {
        for home in ["CN", "FR"] {
            for on in [day(1980, 1, 1), day(2010, 6, 1), day(2025, 1, 1)] {
                for &m in Matter::ALL {
                    for &a in Assistance::ALL {
                        let rule = reciprocity_rule(home, m, a, on);
                        assert_eq!(rule.matter, m);
                        assert!(!rule.conditions.is_empty(), "{home} {m} {a} {on}");
                        assert!(!rule.basis.is_empty(), "{home} {m} {a} {on}");
                    }
                }
            }
        }
    }

    #[test]
    fn cpl_articles_follow_the_numbering_in_force() {
        assert_eq!(
            cpl(day(2024, 6, 1), "294(1)"),
            "CPL Art. 294(1) (2023 text; Art. 284 in the 2021 text)"
        );
        assert_eq!(
            cpl(day(2023, 6, 1), "294(1)"),
            "CPL Art. 284 (2021 text; Art. 277 in the 2017 text)"
        );
        assert_eq!(
            cpl(day(2015, 6, 1), "294(1)"),
            "CPL Art. 277 (2012 text as amended in 2017)"
        );
        assert_eq!(cpl(day(1995, 6, 1), "294(1)"), "CPL Art. 263 (1991 text)");
        assert!(cpl(day(2010, 6, 1), "294").contains("not recorded"));
        assert!(cpl(day(1990, 6, 1), "294").contains("before 1991-04-09"));
    }
}
