//! In-process harness that starts services on 127.0.0.1:0.
