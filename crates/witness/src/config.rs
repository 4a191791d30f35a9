//! What a witness serves: its key name and key file, its database, the logs it witnesses (origin
//! and the log's verifier keys) and the bounds of its HTTP server; read from a JSON file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use tasdiq_tlog::note::{Algorithm, KeyName, NoteError, VerifierKey, Verifiers};

/// One log the witness cosigns for.
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// The checkpoint origin line, e.g. `tasdiq.ma/log`.
    pub origin: String,
    /// The keys whose signature the witness requires (any one of them suffices).
    pub keys: Verifiers,
}

impl LogConfig {
    /// A log from its origin and vkeys (`name+hex8+base64(0x01‖key)`). A log signs its
    /// checkpoints with Ed25519 note signatures, so a key of another type is refused.
    pub fn new<S: AsRef<str>>(origin: &str, vkeys: &[S]) -> Result<LogConfig, ConfigError> {
        if origin.is_empty() || origin.chars().any(char::is_control) {
            return Err(ConfigError::Invalid(format!(
                "the log origin {origin:?} is empty or holds a control character"
            )));
        }
        if vkeys.is_empty() {
            return Err(ConfigError::Invalid(format!(
                "the log {origin} has no vkey"
            )));
        }
        let mut keys = Verifiers::new();
        for v in vkeys {
            let key = VerifierKey::parse(v.as_ref()).map_err(|e| bad_key(origin, e))?;
            if key.algorithm() != Algorithm::Ed25519 {
                return Err(ConfigError::Invalid(format!(
                    "a key of the log {origin} is not an Ed25519 (0x01) note key"
                )));
            }
            keys.insert(key).map_err(|e| bad_key(origin, e))?;
        }
        Ok(LogConfig {
            origin: origin.to_owned(),
            keys,
        })
    }
}

fn bad_key(origin: &str, e: NoteError) -> ConfigError {
    ConfigError::Invalid(format!("a vkey of the log {origin}: {e}"))
}

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The witness's key name, e.g. `witness.example.org/w1` (a schema-less URL, as
    /// c2sp.org/tlog-cosignature recommends). It goes into the key file on first start.
    pub name: KeyName,
    /// The key file: made with mode 0600 on first start, refused if others may read it.
    pub key_file: PathBuf,
    /// The SQLite database: a file path, or a `sqlite:` URL.
    pub database: String,
    /// The logs witnessed; origins are distinct.
    pub logs: Vec<LogConfig>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take once its headers are in (reading the body included).
    pub request_timeout: Duration,
    /// Longest a client may take to send its request headers, or idle between requests.
    pub header_timeout: Duration,
}

/// Why a configuration is refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The JSON does not have the documented shape.
    #[error("the configuration is not valid JSON of the documented shape: {0}")]
    Json(#[from] serde_json::Error),
    /// A value is refused; the text says which.
    #[error("{0}")]
    Invalid(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    name: String,
    key_file: PathBuf,
    database: String,
    logs: Vec<RawLog>,
    #[serde(default = "default_max_body")]
    max_body_bytes: usize,
    #[serde(default = "default_timeout")]
    request_timeout_secs: u64,
    #[serde(default = "default_timeout")]
    header_timeout_secs: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    origin: String,
    vkeys: Vec<String>,
}

/// A request holds 63 proof lines at most and a checkpoint with a few dozen signatures: 64 KiB
/// is many times that.
const DEFAULT_MAX_BODY: usize = 64 * 1024;

fn default_max_body() -> usize {
    DEFAULT_MAX_BODY
}

fn default_timeout() -> u64 {
    10
}

impl Config {
    /// A configuration with the default bounds (64 KiB bodies, 10 s timeouts).
    pub fn new(
        name: KeyName,
        key_file: impl Into<PathBuf>,
        database: impl Into<String>,
        logs: Vec<LogConfig>,
    ) -> Result<Config, ConfigError> {
        let config = Config {
            name,
            key_file: key_file.into(),
            database: database.into(),
            logs,
            max_body_bytes: DEFAULT_MAX_BODY,
            request_timeout: Duration::from_secs(default_timeout()),
            header_timeout: Duration::from_secs(default_timeout()),
        };
        config.check()?;
        Ok(config)
    }

    /// Parses the JSON configuration:
    ///
    /// ```json
    /// {
    ///   "name": "witness.example.org/w1",
    ///   "key_file": "witness.key",
    ///   "database": "witness.db",
    ///   "logs": [{"origin": "tasdiq.ma/log", "vkeys": ["tasdiq.ma/log+1a2b3c4d+AQ…"]}],
    ///   "max_body_bytes": 65536,
    ///   "request_timeout_secs": 10,
    ///   "header_timeout_secs": 10
    /// }
    /// ```
    ///
    /// The last three are optional (these are their defaults); unknown fields are refused, so
    /// a misspelt one is not silently ignored. Relative paths are relative to the working
    /// directory.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = serde_json::from_str(text)?;
        let name = KeyName::new(&raw.name)
            .map_err(|e| ConfigError::Invalid(format!("the witness name {:?}: {e}", raw.name)))?;
        let logs = raw
            .logs
            .iter()
            .map(|l| LogConfig::new(&l.origin, &l.vkeys))
            .collect::<Result<Vec<_>, _>>()?;
        let config = Config {
            name,
            key_file: raw.key_file,
            database: raw.database,
            logs,
            max_body_bytes: raw.max_body_bytes,
            request_timeout: Duration::from_secs(raw.request_timeout_secs),
            header_timeout: Duration::from_secs(raw.header_timeout_secs),
        };
        config.check()?;
        Ok(config)
    }

    /// Reads and parses a JSON configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::from_json(&text)
    }

    /// The log with this origin.
    pub fn log(&self, origin: &str) -> Option<&LogConfig> {
        self.logs.iter().find(|l| l.origin == origin)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.logs.is_empty() {
            return invalid("the witness needs at least one log".into());
        }
        for (i, l) in self.logs.iter().enumerate() {
            if self.logs[..i].iter().any(|o| o.origin == l.origin) {
                return invalid(format!("the log {} is listed twice", l.origin));
            }
        }
        if self.max_body_bytes < 1024 || self.max_body_bytes > 1 << 20 {
            return invalid("max_body_bytes is between 1024 and 1048576".into());
        }
        let secs = [self.request_timeout, self.header_timeout];
        if secs.iter().any(|d| d.is_zero() || d.as_secs() > 600) {
            return invalid("the timeouts are between 1 and 600 seconds".into());
        }
        if self.database.trim().is_empty() {
            return invalid("the database is a file path or a sqlite: URL".into());
        }
        Ok(())
    }

    /// The sea-orm URL of [`Self::database`]: a path becomes `sqlite://PATH?mode=rwc`.
    pub(crate) fn database_url(&self) -> Result<String, ConfigError> {
        let db = self.database.as_str();
        if db.starts_with("sqlite:") {
            return Ok(db.to_owned());
        }
        if db.contains("://") {
            return Err(ConfigError::Invalid(
                "the witness keeps its state in SQLite: give a file path or a sqlite: URL".into(),
            ));
        }
        Ok(format!("sqlite://{db}?mode=rwc"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vkey() -> String {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        VerifierKey::new(
            KeyName::new("example.com/log").unwrap(),
            Algorithm::Ed25519,
            key.verifying_key(),
        )
        .to_string()
    }

    fn json(logs: &str, extra: &str) -> String {
        format!(
            r#"{{"name": "w.example/1", "key_file": "k", "database": "w.db", "logs": {logs}{extra}}}"#
        )
    }

    #[test]
    fn a_documented_file_parses_with_defaults() {
        let logs = format!(
            r#"[{{"origin": "example.com/log", "vkeys": ["{}"]}}]"#,
            vkey()
        );
        let c = Config::from_json(&json(&logs, "")).unwrap();
        assert_eq!(c.name.as_str(), "w.example/1");
        assert_eq!(c.max_body_bytes, 65536);
        assert_eq!(c.request_timeout, Duration::from_secs(10));
        assert!(c.log("example.com/log").is_some());
        assert!(c.log("example.com/other").is_none());
        assert_eq!(c.database_url().unwrap(), "sqlite://w.db?mode=rwc");
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let good = format!(
            r#"{{"origin": "example.com/log", "vkeys": ["{}"]}}"#,
            vkey()
        );
        let v = vkey();
        let parts: Vec<&str> = v.split('+').collect();
        let id = if parts[1] == "00000000" {
            "00000001"
        } else {
            "00000000"
        };
        let wrong_id = format!("{}+{id}+{}", parts[0], parts[2]);
        let cases = [
            (json("[]", ""), "at least one log"),
            (json(&format!("[{good}, {good}]"), ""), "listed twice"),
            (
                json(&format!("[{good}]"), r#", "colour": 1"#),
                "unknown field",
            ),
            (
                json(r#"[{"origin": "o", "vkeys": ["nope"]}]"#, ""),
                "vkey of the log o",
            ),
            (
                json(&format!("[{good}]"), r#", "request_timeout_secs": 0"#),
                "timeouts",
            ),
            (
                json(&format!("[{good}]"), r#", "max_body_bytes": 10"#),
                "max_body_bytes",
            ),
            (
                json(
                    &format!(r#"[{{"origin": "o", "vkeys": ["{wrong_id}"]}}]"#),
                    "",
                ),
                "key ID",
            ),
        ];
        for (text, why) in cases {
            let err = Config::from_json(&text).unwrap_err().to_string();
            assert!(err.contains(why), "{text}: {err}");
        }
        let cosigner = VerifierKey::new(
            KeyName::new("w").unwrap(),
            Algorithm::Cosignature,
            ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key(),
        );
        let err = LogConfig::new("o", &[cosigner.to_string()]).unwrap_err();
        assert!(err.to_string().contains("not an Ed25519"), "{err}");
    }

    #[test]
    fn only_sqlite_is_accepted() {
        let logs = format!(
            r#"[{{"origin": "example.com/log", "vkeys": ["{}"]}}]"#,
            vkey()
        );
        let mut c = Config::from_json(&json(&logs, "")).unwrap();
        c.database = "postgres://x/y".into();
        assert!(c.database_url().is_err());
        c.database = "sqlite::memory:".into();
        assert_eq!(c.database_url().unwrap(), "sqlite::memory:");
    }
}
