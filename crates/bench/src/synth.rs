//! Synthetic, valid registries and query mixes: bilateral treaties between
//! the home state and every other state, and multilateral conventions, with
//! dates that exercise every branch of the rules (in force, not yet, never,
//! terminated, year-only).

use judicial_domain::jurisdiction::{self, Jurisdiction, JurisdictionKind};
use judicial_domain::{
    Assistance, CentralAuthority, Coverage, Instrument, InstrumentKind, Matter, PartialDate, Party,
    TreatyType,
};
use judicial_proto::convert;
use judicial_proto::v1 as pb;

/// The home state of every synthetic registry.
pub const HOME: &str = "CN";

/// A user-assigned code added to the 249 built-in jurisdictions so that a
/// synthetic registry spans 250.
pub const EXTRA_CODE: &str = "XK";

/// A small deterministic generator (xorshift64*), so runs are repeatable.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The jurisdiction added to reach 250.
pub fn extra_jurisdiction() -> Jurisdiction {
    Jurisdiction {
        code: EXTRA_CODE.into(),
        display_name: "Kosovo (user-assigned code)".into(),
        kind: JurisdictionKind::State,
        parent: None,
        revision: 0,
    }
}

/// Every built-in state but the home state (what any registry knows).
pub fn builtin_counterparts() -> Vec<String> {
    jurisdiction::builtin()
        .into_iter()
        .filter(|j| j.kind == JurisdictionKind::State && j.code != HOME)
        .map(|j| j.code)
        .collect()
}

/// The counterparts of a synthetic registry: [`builtin_counterparts`] and
/// [`EXTRA_CODE`].
pub fn counterparts() -> Vec<String> {
    let mut out = builtin_counterparts();
    out.push(EXTRA_CODE.into());
    out
}

const TREATY_TYPES: [TreatyType; 5] = [
    TreatyType::CivilCommercial,
    TreatyType::Criminal,
    TreatyType::CivilAndCriminal,
    TreatyType::Extradition,
    TreatyType::TransferOfSentencedPersons,
];

fn authority(name: &str) -> Vec<CentralAuthority> {
    vec![CentralAuthority {
        name: name.into(),
        ..CentralAuthority::default()
    }]
}

/// Dates of one party: signed in `year`, and a status chosen by `rng`:
/// mostly in force (exact or year-only), some not yet, never, or terminated.
fn dates(party: &mut Party, year: i32, rng: &mut Rng) {
    party.signed = Some(PartialDate::day(
        year,
        1 + rng.below(12) as u8,
        1 + rng.below(28) as u8,
    ));
    match rng.below(20) {
        // Signed, never entered into force.
        0 => {}
        // Entry into force known only to the year.
        1 | 2 => party.entry_into_force = Some(PartialDate::year(year + 1)),
        // Terminated.
        3 => {
            party.entry_into_force = Some(PartialDate::day(year + 1, 3, 1));
            party.termination_notice = Some(PartialDate::day(year + 10, 6, 1));
            party.termination_effective = Some(PartialDate::day(year + 11, 6, 1));
        }
        _ => {
            party.entry_into_force = Some(PartialDate::day(
                year + 1,
                1 + rng.below(12) as u8,
                1 + rng.below(28) as u8,
            ))
        }
    }
}

/// A valid bilateral treaty of type `t` between [`HOME`] and `counterpart`.
pub fn treaty(id: String, counterpart: &str, t: TreatyType, rng: &mut Rng) -> Instrument {
    let mut inst = Instrument::new(
        id,
        InstrumentKind::BilateralTreaty,
        format!("Synthetic {t} treaty between {HOME} and {counterpart}"),
    );
    inst.treaty_type = Some(t);
    inst.coverage = t
        .default_coverage()
        .into_iter()
        .map(|(m, a)| Coverage {
            articles: "Arts. 1-20".into(),
            transmissions: vec!["central_authority".into()],
            ..Coverage::new(m, a)
        })
        .collect();
    inst.sources = vec!["synthetic (judicial-bench)".into()];
    let year = 1980 + rng.below(44) as i32;
    let mut home = Party::new(HOME);
    home.central_authorities = authority("Ministry of Justice");
    let mut other = Party::new(counterpart);
    other.central_authorities = authority(&format!("Ministry of Justice of {counterpart}"));
    dates(&mut home, year, rng);
    other.signed = home.signed;
    other.entry_into_force = home.entry_into_force;
    other.termination_notice = home.termination_notice;
    other.termination_effective = home.termination_effective;
    inst.parties = vec![home, other];
    inst
}

/// A valid convention with [`HOME`] and `parties` other states.
fn convention(id: String, states: &[String], parties: usize, rng: &mut Rng) -> Instrument {
    let criminal = rng.percent(50);
    let mut inst = Instrument::new(
        id,
        InstrumentKind::MultilateralConvention,
        "Synthetic convention on judicial assistance",
    );
    inst.coverage = if criminal {
        vec![
            Coverage::new(Matter::Criminal, Assistance::AssetRecovery),
            Coverage::new(Matter::Criminal, Assistance::Extradition),
            Coverage::new(Matter::Criminal, Assistance::TakingOfEvidence),
        ]
    } else {
        vec![
            Coverage::new(Matter::CivilCommercial, Assistance::ServiceOfDocuments),
            Coverage::new(Matter::CivilCommercial, Assistance::TakingOfEvidence),
        ]
    };
    if criminal && rng.percent(50) {
        inst.offence_scope = vec![
            if rng.percent(50) {
                "corruption"
            } else {
                "narcotics"
            }
            .into(),
        ];
    }
    inst.sources = vec!["synthetic (judicial-bench)".into()];
    let year = 1960 + rng.below(60) as i32;
    let mut home = Party::new(HOME);
    home.central_authorities = authority("Ministry of Justice");
    dates(&mut home, year, rng);
    let mut list = vec![home];
    let start = rng.below(states.len());
    for k in 0..parties.min(states.len()) {
        let mut p = Party::new(states[(start + k * 7) % states.len()].clone());
        if list.iter().any(|q| q.jurisdiction == p.jurisdiction) {
            continue;
        }
        dates(&mut p, year + rng.below(30) as i32, rng);
        list.push(p);
    }
    inst.parties = list;
    inst
}

/// `n` valid instruments over `states`: 99 in 100 are bilateral treaties
/// (spread evenly over the counterparts, all five treaty types), one in 100
/// is a convention with 10 to 60 parties.
pub fn registry(n: usize, states: &[String], seed: u64) -> Vec<Instrument> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            if i % 100 == 50 {
                let parties = 10 + rng.below(51);
                convention(format!("syn-conv-{i}"), states, parties, &mut rng)
            } else {
                let counterpart = &states[i % states.len()];
                let t = TREATY_TYPES[(i + i / states.len()) % TREATY_TYPES.len()];
                treaty(
                    format!("syn-{}-{i}", counterpart.to_ascii_lowercase()),
                    counterpart,
                    t,
                    &mut rng,
                )
            }
        })
        .collect()
}

/// A date between 1985 and 2025, or None (today).
fn on_date(rng: &mut Rng) -> Option<pb::Date> {
    if rng.percent(25) {
        return None;
    }
    Some(pb::Date {
        year: 1985 + rng.below(41) as i32,
        month: 1 + rng.below(12) as i32,
        day: 1 + rng.below(28) as i32,
    })
}

/// One query about `counterpart` with a random assistance, matter, date,
/// sometimes an offence, and `explain` one time in ten.
pub fn query(counterpart: &str, rng: &mut Rng) -> pb::RouteRequest {
    let assistance = *rng.pick(Assistance::ALL);
    let matter = assistance.only_matter().unwrap_or(if rng.percent(50) {
        Matter::CivilCommercial
    } else {
        Matter::Criminal
    });
    let offence = if matter == Matter::Criminal && rng.percent(30) {
        rng.pick(&["drug_trafficking", "corruption", "organized_crime"])
            .to_string()
    } else {
        String::new()
    };
    pb::RouteRequest {
        counterpart: counterpart.into(),
        matter: convert::matter_to_proto(matter) as i32,
        assistance: convert::assistance_to_proto(assistance) as i32,
        on_date: on_date(rng),
        offence,
        explain: rng.percent(10),
        ..Default::default()
    }
}

/// `count` queries about counterparts drawn evenly from `states`.
pub fn uniform_mix(states: &[String], count: usize, seed: u64) -> Vec<pb::RouteRequest> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let c = rng.pick(states).clone();
            query(&c, &mut rng)
        })
        .collect()
}
