//! The API document's schemas of the domain's word types (`Role`, `Standing`, the verdict's
//! `Status`, …): a string with its machine words as the enum. They are written here rather
//! than derived so that `domain/` needs nothing of utoipa.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::domain::values::{
    BrandKind, Category, CertificateStatus, KeyStatus, ProducerKind, Region, RightEvent,
    RightState, Role, Standing,
};
use crate::domain::verdict::Status;

fn words(words: &'static [&'static str]) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(words.iter().copied()))
        .into()
}

macro_rules! word_schemas {
    ($($name:ident),+ $(,)?) => {
        $(
            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    words($name::WORDS)
                }
            }

            impl utoipa::ToSchema for $name {}
        )+
    };
}

word_schemas!(
    Region,
    BrandKind,
    Category,
    Standing,
    CertificateStatus,
    KeyStatus,
    ProducerKind,
    Role,
    Status,
    RightState,
    RightEvent,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_status_words_are_its_serde_words() {
        let all = [
            Status::Authentic,
            Status::Expired,
            Status::Revoked,
            Status::Suspended,
            Status::Counterfeit,
            Status::Malformed,
            Status::Unconfirmed,
        ];
        let serde_words: Vec<String> = all
            .iter()
            .map(|s| {
                serde_json::to_value(s)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(serde_words, Status::WORDS);
        assert!(all.iter().all(|s| Status::WORDS.contains(&s.as_str())));
    }

    #[test]
    fn word_types_are_string_enums_in_the_document() {
        let schema = serde_json::to_value(<Role as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["enum"], serde_json::json!(Role::WORDS));
    }
}
