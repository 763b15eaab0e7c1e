//! CLI errors and their exit codes: 1 when a server failed or could not be
//! reached, 2 for bad usage or invalid input.

use tonic::Code;

/// What a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The user's input is wrong (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The server rejected the input (exit 2).
    #[error("{endpoint}: {message}")]
    Rejected {
        /// Which endpoint answered.
        endpoint: String,
        /// What it said, with field violations.
        message: String,
    },
    /// The server failed or could not be reached (exit 1).
    #[error("{endpoint}: {message}")]
    Server {
        /// Which endpoint.
        endpoint: String,
        /// What went wrong.
        message: String,
    },
    /// A local failure (files, serving) (exit 1).
    #[error("{0}")]
    Local(String),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Rejected { .. } => 2,
            CliError::Server { .. } | CliError::Local(_) => 1,
        }
    }

    /// Classifies a gRPC status from `endpoint`.
    pub fn from_status(endpoint: &str, status: tonic::Status) -> CliError {
        let mut message = status.message().to_owned();
        let fields = judicial_server::status::violated_fields(&status);
        if !fields.is_empty() && !message.contains(&fields[0]) {
            message = format!("{message} (fields: {})", fields.join(", "));
        }
        let endpoint = endpoint.to_owned();
        match status.code() {
            Code::InvalidArgument
            | Code::NotFound
            | Code::AlreadyExists
            | Code::Aborted
            | Code::OutOfRange
            | Code::FailedPrecondition => CliError::Rejected {
                endpoint,
                message: format!("{}: {message}", code_name(status.code())),
            },
            // Every UNAVAILABLE the services send carries an ErrorInfo reason
            // (NOT_CAUGHT_UP, SHUTTING_DOWN, ...); one without is the
            // client's own transport failing to reach the server.
            Code::Unavailable if judicial_server::status::reason(&status).is_none() => {
                CliError::Server {
                    endpoint,
                    message: format!(
                        "cannot reach the server ({message}); is it running? (`judicial dev` starts the whole suite)"
                    ),
                }
            }
            code => CliError::Server {
                endpoint,
                message: format!("{}: {message}", code_name(code)),
            },
        }
    }
}

fn code_name(code: Code) -> String {
    format!("{code:?}").chars().fold(String::new(), |mut s, c| {
        if c.is_uppercase() && !s.is_empty() {
            s.push('_');
        }
        s.push(c.to_ascii_uppercase());
        s
    })
}
