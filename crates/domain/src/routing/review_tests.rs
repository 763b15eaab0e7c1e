//! Tests for the practitioner review (../shared/reviews/rules-review.md), one per finding.
