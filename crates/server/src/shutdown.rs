//! Shutdown signalling: SIGINT and SIGTERM, and a token that streams watch.

use tokio_util::sync::CancellationToken;

/// A shutdown trigger shared by a server and its long-lived streams.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    token: CancellationToken,
}

impl Shutdown {
    /// A trigger that has not fired.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fires the trigger.
    pub fn trigger(&self) {
        self.token.cancel();
    }

    /// Whether it has fired.
    pub fn is_triggered(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Completes when the trigger fires.
    pub async fn wait(&self) {
        self.token.cancelled().await
    }

    /// Fires the trigger on SIGINT or SIGTERM (in a background task).
    pub fn on_signals(&self) {
        let token = self.token.clone();
        tokio::spawn(async move {
            signal().await;
            token.cancel();
        });
    }
}

/// The token underneath, for code that must not depend on this crate (the
/// registry follower in `judicial-client`).
impl From<Shutdown> for CancellationToken {
    fn from(shutdown: Shutdown) -> CancellationToken {
        shutdown.token
    }
}

/// Completes on the first SIGINT (Ctrl-C) or SIGTERM.
pub async fn signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => tracing::info!("SIGINT received; shutting down"),
            _ = term.recv() => tracing::info!("SIGTERM received; shutting down"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
