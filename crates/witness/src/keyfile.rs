//! The witness's private key: one `PRIVATE+KEY+<name>+<id>+base64(0x04 ‖ seed)` line (Go
//! `sumdb/note`'s form, with the cosignature type) in a file of mode 0600, made on first start.
//! Like the service's key files, a file that group or others may read is refused rather than
//! used, and the key's text never reaches an error message or a log.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use tasdiq_tlog::note::{Algorithm, KeyName, Signer};

/// Why the key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// Reading or writing failed.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Group or others may read or write it.
    #[error(
        "key file {path} has mode {mode:o}: others may read it; run `chmod 600 {path}` (and \
         consider the key exposed)"
    )]
    TooOpen {
        /// The file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// It does not hold a cosignature key string (its content is not shown).
    #[error("key file {path} does not hold a PRIVATE+KEY string of an Ed25519 cosignature key")]
    Malformed {
        /// The file.
        path: String,
    },
    /// It holds a key of another name than the configured one.
    #[error("key file {path} is the key of {found}, the configuration names {expected}")]
    WrongName {
        /// The file.
        path: String,
        /// The configured name.
        expected: String,
        /// The name in the file.
        found: String,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> KeyFileError + '_ {
    move |source| KeyFileError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The key in `path`, or a new random one written there (mode 0600) if the file does not exist.
pub fn load_or_create(path: &Path, name: &KeyName) -> Result<Signer, KeyFileError> {
    match fs::symlink_metadata(path) {
        Ok(_) => load(path, name),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let signer = Signer::generate(name.clone(), Algorithm::Cosignature, &mut rand::rng());
            match write_new(path, &signer) {
                Ok(()) => Ok(signer),
                // Another process made it between our two looks: use theirs.
                Err(KeyFileError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::AlreadyExists =>
                {
                    load(path, name)
                }
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(io(path)(e)),
    }
}

/// Reads an existing key file, checking its mode, type and name.
pub fn load(path: &Path, name: &KeyName) -> Result<Signer, KeyFileError> {
    check_mode(path)?;
    let mut text = fs::read_to_string(path).map_err(io(path))?;
    let parsed = Signer::parse(text.trim_end());
    text.clear();
    let shown = path.display().to_string();
    let signer = parsed.map_err(|_| KeyFileError::Malformed {
        path: shown.clone(),
    })?;
    if signer.algorithm() != Algorithm::Cosignature {
        return Err(KeyFileError::Malformed { path: shown });
    }
    if signer.name() != name {
        return Err(KeyFileError::WrongName {
            path: shown,
            expected: name.to_string(),
            found: signer.name().to_string(),
        });
    }
    Ok(signer)
}

#[cfg(unix)]
fn check_mode(path: &Path) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).map_err(io(path))?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::TooOpen {
            path: path.display().to_string(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_: &Path) -> Result<(), KeyFileError> {
    Ok(())
}

/// Creates the file with mode 0600 from the start (never widened then narrowed) and syncs it.
fn write_new(path: &Path, signer: &Signer) -> Result<(), KeyFileError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(io(path))?;
    let mut text = signer.to_private_string();
    text.push('\n');
    let written = f.write_all(text.as_bytes()).and_then(|()| f.sync_all());
    text.clear();
    written.map_err(io(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> KeyName {
        KeyName::new(n).unwrap()
    }

    #[test]
    fn first_start_makes_a_0600_file_and_the_next_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/witness.key");
        let made = load_or_create(&path, &name("w.example/1")).unwrap();
        let again = load_or_create(&path, &name("w.example/1")).unwrap();
        assert_eq!(made.verifier(), again.verifier());
        assert_eq!(made.algorithm(), Algorithm::Cosignature);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_may_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("witness.key");
        load_or_create(&path, &name("w")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create(&path, &name("w")).unwrap_err();
        assert!(
            matches!(err, KeyFileError::TooOpen { mode: 0o644, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("chmod 600"));
    }

    #[test]
    fn wrong_name_type_or_content_is_refused_without_echoing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("witness.key");
        load_or_create(&path, &name("w.example/1")).unwrap();
        let err = load(&path, &name("w.example/2")).unwrap_err();
        assert!(matches!(err, KeyFileError::WrongName { .. }), "{err}");

        let log_key = dir.path().join("log.key");
        let signer = Signer::generate(name("w"), Algorithm::Ed25519, &mut rand::rng());
        write_new(&log_key, &signer).unwrap();
        assert!(matches!(
            load(&log_key, &name("w")),
            Err(KeyFileError::Malformed { .. })
        ));

        let junk = dir.path().join("junk.key");
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(&junk)
            .unwrap()
            .write_all(b"PRIVATE+KEY+secret-looking-text\n")
            .unwrap();
        let err = load(&junk, &name("w")).unwrap_err().to_string();
        assert!(!err.contains("secret-looking-text"), "{err}");
    }
}
