//! Officer passwords, as argon2id PHC strings.
//!
//! Argon2 is deliberately slow and memory-hungry (19 MiB a hash), so hashing and checking run on
//! the blocking pool, never on the async workers, and at most a few at once: a burst of sign-in
//! attempts waits its turn instead of taking every worker or all the memory.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use super::ServiceError;

/// A password hashed for storage (a PHC string); made only by [`hash`].
#[derive(Clone)]
pub struct Hashed(String);

impl Hashed {
    /// The PHC string the store keeps.
    pub fn phc(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Hashed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hashed(<argon2id>)")
    }
}

/// Argon2 computations allowed at once on this node.
static ARGON2_TURNS: Semaphore = Semaphore::const_new(4);

/// Runs one argon2 computation on the blocking pool, waiting for a turn.
async fn on_blocking_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    let _turn = ARGON2_TURNS
        .acquire()
        .await
        .map_err(|_| ServiceError::Internal("argon2 turns closed".into()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServiceError::Internal(format!("argon2 task: {e}")))
}

/// Hashes a password with argon2id and a random salt, off the async workers.
pub async fn hash(password: &str) -> Result<Hashed, ServiceError> {
    let password = password.to_owned();
    on_blocking_pool(move || hash_password(&password))
        .await?
        .map(Hashed)
}

/// Checks a password against a stored PHC string, off the async workers.
pub async fn verify(stored: &str, password: &str) -> Result<bool, ServiceError> {
    let (stored, password) = (stored.to_owned(), password.to_owned());
    on_blocking_pool(move || password_matches(&stored, &password)).await
}

/// Spends the time of a real check against a throwaway hash, so that response time does not
/// reveal which e-mails exist.
pub async fn waste_a_check(password: &str) -> Result<(), ServiceError> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let dummy = HASH
        .get_or_try_init(|| async { hash("tasdiq-timing-equaliser").await.map(|h| h.0) })
        .await?;
    verify(dummy, password).await.map(|_| ())
}

fn hash_password(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| ServiceError::Internal(format!("argon2 salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("argon2: {e}")))
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery").await.unwrap();
        assert!(h.phc().starts_with("$argon2id$"));
        assert!(verify(h.phc(), "correct horse battery").await.unwrap());
        assert!(!verify(h.phc(), "correct horse batterY").await.unwrap());
        assert!(!verify("not a phc string", "x").await.unwrap());
        assert_eq!(format!("{h:?}"), "Hashed(<argon2id>)");
    }
}
