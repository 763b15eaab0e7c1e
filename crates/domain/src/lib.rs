//! The judicial-assistance domain: jurisdictions, instruments, dates with
//! unknown parts, validation, in-force status and the channel routing rules.
//!
//! Nothing here knows about gRPC or storage; services convert to and from
//! these types at their edges.

pub mod checklist;
pub mod date;
pub mod instrument;
pub mod jurisdiction;
pub mod offence;
pub mod requirement;
pub mod routing;
pub mod status;
pub mod validation;
pub mod vocabulary;

pub use date::{CalendarDate, PartialDate};
pub use instrument::{
    Acceptance, Binds, CentralAuthority, Coverage, Extension, InEffect, Instrument,
    InstrumentField, Party, PartyList, Reservation, Statement, StatementKind,
};
pub use jurisdiction::{Jurisdiction, JurisdictionKind};
pub use requirement::{Requirement, RequirementDirection, Topic};
pub use routing::{
    Channel, Direction, NotApplicable, NotApplicableReason, RouteAnswer, RouteError, RouteQuery,
};
pub use status::Status;
pub use validation::{FieldViolation, Violations};
pub use vocabulary::{Assistance, ChannelKind, InstrumentKind, Matter, TreatyType};
