//! Configuration: every setting comes from an environment variable or the matching `--flag`
//! (contract §1). Secrets are wrapped so that `Debug` never prints them.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// A string that must not appear in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

/// The default of `TASDIQ_DATABASE_URL`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tasdiq.db?mode=rwc";
/// The default of `TASDIQ_PUBLIC_URL`, recorded by the first bootstrap when none is given.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// The database a subcommand works on.
#[derive(Clone, Debug, clap::Args)]
pub struct DatabaseArg {
    /// Database URL: `sqlite://…` (default) or `postgres://…`.
    #[arg(long, env = "TASDIQ_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// The folder of private key files, for subcommands that sign.
#[derive(Clone, Debug, clap::Args)]
pub struct KeysDirArg {
    /// Folder holding the Ed25519 private key files (mode 0600).
    #[arg(long, env = "TASDIQ_KEYS_DIR", default_value = "keys")]
    pub keys_dir: PathBuf,
}

/// The public URL as this run was given it, if it was. Unset, the stored value is used; set,
/// it must agree with the stored value (a run pointing labels elsewhere is refused).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct PublicUrlArg {
    /// Public base URL that QR labels point to (`{public_url}/v/{code}`). The first start
    /// records it in the database (default http://127.0.0.1:8080); later runs must agree with
    /// it, and `tasdiq settings public-url` changes it.
    #[arg(long, env = "TASDIQ_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// The settings of `serve` (the other subcommands take only the few they use).
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// Database URL: `sqlite://…` (default) or `postgres://…`.
    #[arg(long, env = "TASDIQ_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "TASDIQ_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Public base URL; QR labels point to `{public_url}/v/{code}`. Set from
    /// [`PublicUrlArg`] and the value stored in the database (see `cli::settings`), never
    /// parsed on its own: the first bootstrap records it, and it is the same on every node.
    #[arg(skip = DEFAULT_PUBLIC_URL.to_owned())]
    pub public_url: String,

    /// Folder holding the Ed25519 private key files (mode 0600).
    #[arg(long, env = "TASDIQ_KEYS_DIR", default_value = "keys")]
    pub keys_dir: PathBuf,

    /// E-mail of the admin officer created on first start.
    #[arg(long, env = "TASDIQ_ADMIN_EMAIL", default_value = "admin@tasdiq.local")]
    pub admin_email: String,

    /// Password of that admin; when unset, a random one is generated and printed once.
    #[arg(long, env = "TASDIQ_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,

    /// Folder with the seed data loaded on first start.
    #[arg(long, env = "TASDIQ_SEEDS_DIR", default_value = "seeds")]
    pub seeds_dir: PathBuf,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "TASDIQ_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,

    /// Longest a request may take, in seconds, before it is answered 503.
    #[arg(long, env = "TASDIQ_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// A label is flagged `suspected_copy` once this many distinct clients scanned it.
    #[arg(long, env = "TASDIQ_COPY_DISTINCT_CLIENTS", default_value_t = 10)]
    pub copy_distinct_clients: u32,

    /// A label is flagged `suspected_copy` once it is scanned this many times in a day.
    #[arg(long, env = "TASDIQ_COPY_SCANS_PER_DAY", default_value_t = 50)]
    pub copy_scans_per_day: u32,

    /// How often recorded scans are written to the database, in milliseconds.
    #[arg(long, env = "TASDIQ_SCAN_FLUSH_MS", default_value_t = 1000)]
    pub scan_flush_ms: u64,

    /// Requests per second each API key may make, sustained (token bucket, shared by nodes).
    #[arg(long, env = "TASDIQ_API_RATE", default_value_t = 20)]
    pub api_rate: u32,

    /// Requests an API key may make at once before the sustained rate applies.
    #[arg(long, env = "TASDIQ_API_BURST", default_value_t = 40)]
    pub api_burst: u32,

    /// Minutes of inactivity after which an officer's web session ends.
    #[arg(long, env = "TASDIQ_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,

    /// Hours after sign-in at which an officer's web session ends, however busy.
    #[arg(long, env = "TASDIQ_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,

    /// Seconds a connection may take to send a request's headers (and may stay idle between
    /// requests) before it is closed.
    #[arg(long, env = "TASDIQ_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Trust `X-Forwarded-For` for the client address (set when behind a reverse proxy).
    #[arg(long, env = "TASDIQ_TRUST_FORWARDED", default_value_t = false)]
    pub trust_forwarded: bool,

    /// Maximum database connections in the pool.
    #[arg(long, env = "TASDIQ_DB_POOL", default_value_t = 8)]
    pub db_pool: u32,

    /// Most signatures the single-code verification routes check together when requests
    /// arrive at once (issue 19); 0 checks each request's signature on its own.
    #[arg(long, env = "TASDIQ_VERIFY_BATCH", default_value_t = 64, global = true)]
    pub verify_batch: usize,

    /// Witnesses of the issuance log (c2sp.org/tlog-witness), comma-separated, each
    /// `VKEY URL`: the witness's cosignature key and its submission prefix. Published in the
    /// log policy.
    #[arg(long, env = "TASDIQ_WITNESSES", default_value = "")]
    pub witnesses: String,

    /// How many of the witnesses must cosign a checkpoint before verifiers trust it (the
    /// published quorum); 0: none.
    #[arg(long, env = "TASDIQ_WITNESS_QUORUM", default_value_t = 0)]
    pub witness_quorum: usize,

    /// Milliseconds between rounds that send the newest checkpoint to the witnesses.
    #[arg(long, env = "TASDIQ_WITNESS_INTERVAL_MS", default_value_t = 60_000)]
    pub witness_interval_ms: u64,
}

impl Config {
    /// The settings used by tests and tools: defaults, with the given database.
    pub fn for_database(url: &str) -> Self {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            config: Config,
        }
        let mut c = Only::parse_from(["tasdiq"]).config;
        c.database_url = url.to_owned();
        c
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// Idle time after which an officer session ends.
    pub fn session_idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.session_idle_minutes.max(1))
    }

    /// Absolute lifetime of an officer session.
    pub fn session_max(&self) -> chrono::Duration {
        chrono::Duration::hours(self.session_max_hours.max(1))
    }

    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout_secs.max(1))
    }

    /// The settings of a subcommand that needs only its database (and maybe its keys).
    pub fn for_command(db: &DatabaseArg, keys: Option<&KeysDirArg>) -> Self {
        let mut c = Config::for_database(&db.database_url);
        if let Some(k) = keys {
            c.keys_dir = k.keys_dir.clone();
        }
        c
    }

    /// The public base URL without a trailing slash.
    pub fn public_base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// Whether cookies must be `Secure`: the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }
}

/// A public base URL as labels use it: `http(s)://host[:port][/path]`, without a trailing
/// slash, a query or a fragment, so `{base}/v/{code}` is always a well-formed address.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let t = text.trim().trim_end_matches('/');
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("the public URL must start with https:// or http://; got {text:?}")
        })?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty()
        || rest.contains(['?', '#', ' ', '@'])
        || rest.chars().any(|c| c.is_control() || !c.is_ascii())
    {
        return Err(format!(
            "the public URL must be http(s)://host[:port][/path], ASCII, with no query, \
             fragment or user; got {text:?}"
        ));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::parse_public_url;

    #[test]
    fn public_urls() {
        assert_eq!(
            parse_public_url("https://tasdiq.ma/").unwrap(),
            "https://tasdiq.ma"
        );
        assert_eq!(
            parse_public_url(" http://127.0.0.1:8080/verify ").unwrap(),
            "http://127.0.0.1:8080/verify"
        );
        for bad in [
            "tasdiq.ma",
            "ftp://x",
            "https://",
            "https://a?b=1",
            "https://u@h",
            "https://é.ma",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }
}
