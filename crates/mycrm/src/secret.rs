//! The password, in a type that cannot leak by accident: `Debug` prints `<redacted>`, there is
//! no `Display` and no `Serialize`, and the memory is wiped on drop.

use std::fmt;

use zeroize::Zeroizing;

/// A secret string (the user's password).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(Zeroizing<String>);

impl Password {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Password {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

/// Who signs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub login: String,
    pub password: Password,
}

impl Credentials {
    pub fn new(login: impl Into<String>, password: impl Into<String>) -> Self {
        Self { login: login.into(), password: Password::new(password) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_password() {
        let creds = Credentials::new("alice", "s3cr3t:pw");
        let shown = format!("{creds:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
