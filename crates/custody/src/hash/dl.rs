//! EPC URIs and GS1 Digital Link URIs → the constrained canonical GS1 Digital Link URI
//! (`https://id.gs1.org/…`, finest identification level, no query), as CBV 2.0's event hash
//! requires and as the reference implementation's `dl_normaliser` does it.
//!
//! Covered: EPC URIs sgtin, sscc, sgln, grai, giai, gsrn, gsrnp, gdti, sgcn, ginc, gsin, pgln;
//! the class URI lgtin; the pattern URI idpat:sgtin; and Digital Link URIs on any domain.
//! Schemes not covered (cpi, itip, upui and the other idpat forms) are left as written, which
//! matches the reference only where it too leaves them.

const AI82_RAW: &[u8] =
    b"!')(*+,.0123456789:;=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

/// `value` in canonical Digital Link form, or `None` if it is not a GS1 identifier.
pub(crate) fn normalise(value: &str) -> Option<String> {
    if !value.contains('.') {
        return None;
    }
    if let Some(rest) = value.strip_prefix("urn:epc:") {
        return epc(rest);
    }
    if value.starts_with("http:") || value.starts_with("https:") {
        return digital_link(value);
    }
    None
}

/// GS1 mod-10 check digit of the digits given (the key without its check digit).
fn check_digit(key: &str) -> u32 {
    let sum: u32 = key
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, c)| u32::from(c - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10
}

/// Characters a Digital Link path segment must escape (GS1 DL table 7-1, as the reference does).
fn pct(s: &str) -> String {
    s.replace('!', "%21")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('*', "%2A")
        .replace('+', "%2B")
        .replace(',', "%2C")
        .replace(':', "%3A")
}

/// Length in AI 82 characters (a valid `%XX` escape counts as one), or `None` if invalid.
fn ai82_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        if b[i] == b'%' {
            let (h, l) = (*b.get(i + 1)?, b.get(i + 2)?.to_ascii_uppercase());
            let ok = match h {
                b'2' => matches!(l, b'1' | b'2' | b'5'..=b'9' | b'A'..=b'F'),
                b'3' => matches!(l, b'0'..=b'9' | b'A'..=b'F'),
                b'4' => matches!(l, b'1'..=b'9' | b'A'..=b'F'),
                b'5' => matches!(l, b'0'..=b'9' | b'A' | b'F'),
                b'6' => matches!(l, b'1'..=b'9' | b'A'..=b'F'),
                b'7' => matches!(l, b'0'..=b'9' | b'A'),
                _ => false,
            };
            if !ok {
                return None;
            }
            i += 3;
        } else if AI82_RAW.contains(&b[i]) {
            i += 1;
        } else {
            return None;
        }
        n += 1;
    }
    Some(n)
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|c| c.is_ascii_digit())
}

/// Splits `cp.ref<rest>` where the company prefix has 6–12 digits and `cp + ref` has `total`
/// digits (`ref` may be empty only for a 12-digit prefix when `empty_ref` allows it).
fn company(s: &str, total: usize, empty_ref: bool) -> Option<(&str, &str, &str)> {
    let dot = s.find('.')?;
    let (cp, after) = (&s[..dot], &s[dot + 1..]);
    if !(6..=12).contains(&cp.len()) || !all_digits(cp) || cp.len() > total {
        return None;
    }
    let want = total - cp.len();
    if want == 0 && !empty_ref {
        return None;
    }
    let r = after.get(..want)?;
    all_digits(r).then_some((cp, r, &after[want..]))
}

fn epc(rest: &str) -> Option<String> {
    let (scheme, body) = rest.split_once(':')?;
    match scheme {
        "id" => epc_id(body),
        "class" => {
            let body = body.strip_prefix("lgtin:")?;
            let (cp, ir, tail) = company(body, 13, false)?;
            let lot = tail.strip_prefix('.')?;
            matches!(ai82_len(lot), Some(1..=20)).then(|| {
                let raw = format!("{}{}{}", &ir[..1], cp, &ir[1..]);
                format!(
                    "https://id.gs1.org/01/{raw}{}/10/{}",
                    check_digit(&raw),
                    pct(lot)
                )
            })
        }
        "idpat" => {
            let body = body.strip_prefix("sgtin:")?;
            let (cp, ir, tail) = company(body, 13, false)?;
            (tail == ".*").then(|| {
                let raw = format!("{}{}{}", &ir[..1], cp, &ir[1..]);
                format!("https://id.gs1.org/01/{raw}{}", check_digit(&raw))
            })
        }
        _ => None,
    }
}

fn epc_id(body: &str) -> Option<String> {
    let (scheme, v) = body.split_once(':')?;
    let with_check =
        |ai: &str, raw: &str| format!("https://id.gs1.org/{ai}/{raw}{}", check_digit(raw));
    match scheme {
        "sgtin" => {
            let (cp, ir, tail) = company(v, 13, false)?;
            let serial = tail.strip_prefix('.')?;
            matches!(ai82_len(serial), Some(1..=20)).then(|| {
                let raw = format!("{}{}{}", &ir[..1], cp, &ir[1..]);
                format!("{}/21/{}", with_check("01", &raw), pct(serial))
            })
        }
        "sscc" => {
            let (cp, r, tail) = company(v, 17, false)?;
            (tail.is_empty()).then(|| with_check("00", &format!("{}{}{}", &r[..1], cp, &r[1..])))
        }
        "sgln" => {
            let (cp, r, tail) = company(v, 12, true)?;
            let ext = tail.strip_prefix('.')?;
            matches!(ai82_len(ext), Some(1..=20)).then(|| {
                let raw = format!("{cp}{r}");
                if ext == "0" {
                    with_check("414", &raw)
                } else {
                    format!("{}/254/{}", with_check("414", &raw), pct(ext))
                }
            })
        }
        "grai" => {
            // The reference's pattern wants three dots after a 12-digit prefix; kept as it is.
            let (cp, r, tail) = company(v, 12, false)?;
            let serial = tail.strip_prefix('.')?;
            matches!(ai82_len(serial), Some(1..=16)).then(|| {
                let raw = format!("0{cp}{r}");
                format!("{}{}", with_check("8003", &raw), pct(serial))
            })
        }
        "giai" => {
            let dot = v.find('.')?;
            let (cp, asset) = (&v[..dot], &v[dot + 1..]);
            let ok = (6..=12).contains(&cp.len())
                && all_digits(cp)
                && matches!(ai82_len(asset), Some(n) if n >= 1 && n <= 30 - cp.len());
            ok.then(|| format!("https://id.gs1.org/8004/{cp}{}", pct(asset)))
        }
        "gsrn" | "gsrnp" => {
            let (cp, r, tail) = company(v, 17, false)?;
            let ai = if scheme == "gsrn" { "8018" } else { "8017" };
            tail.is_empty().then(|| with_check(ai, &format!("{cp}{r}")))
        }
        "gdti" => {
            let (cp, r, tail) = company(v, 12, false)?;
            // The serial follows the document type after one more character (the dot).
            let serial = tail.get(1..)?;
            (matches!(ai82_len(tail), Some(1..=20)) && !serial.is_empty())
                .then(|| format!("{}{}", with_check("253", &format!("{cp}{r}")), pct(serial)))
        }
        "sgcn" => {
            let (cp, r, tail) = company(v, 12, true)?;
            let serial = tail.strip_prefix('.')?;
            ((1..=12).contains(&serial.len()) && all_digits(serial))
                .then(|| format!("{}{serial}", with_check("255", &format!("{cp}{r}"))))
        }
        "ginc" => {
            let dot = v.find('.')?;
            let (cp, rest) = (&v[..dot], &v[dot + 1..]);
            let ok = (6..=12).contains(&cp.len())
                && all_digits(cp)
                && matches!(ai82_len(rest), Some(n) if n >= 1 && n <= 30 - cp.len());
            ok.then(|| format!("https://id.gs1.org/401/{cp}{}", pct(rest)))
        }
        "gsin" => {
            let (cp, r, tail) = company(v, 16, false)?;
            tail.is_empty()
                .then(|| with_check("402", &format!("{cp}{r}")))
        }
        "pgln" => {
            let (cp, r, tail) = company(v, 12, true)?;
            tail.is_empty()
                .then(|| with_check("417", &format!("{cp}{r}")))
        }
        _ => None,
    }
}

const DL_KEYS: &[&str] = &[
    "01", "gtin", "8006", "itip", "8010", "cpid", "414", "gln", "417", "party", "8017", "gsrnp",
    "8018", "gsrn", "255", "gcn", "00", "sscc", "253", "gdti", "401", "ginc", "402", "gsin",
    "8003", "grai", "8004", "giai",
];
const SHORT_NAMES: &[(&str, &str)] = &[
    ("/gtin/", "/01/"),
    ("/itip/", "/8006/"),
    ("/cpid/", "/8010/"),
    ("/gln/", "/414/"),
    ("/party/", "/417/"),
    ("/gsrnp/", "/8017/"),
    ("/gsrn/", "/8018/"),
    ("/gcn/", "/255/"),
    ("/sscc/", "/00/"),
    ("/gdti/", "/253/"),
    ("/ginc/", "/401/"),
    ("/gsin/", "/402/"),
    ("/grai/", "/8003/"),
    ("/giai/", "/8004/"),
    ("/cpv/", "/22/"),
    ("/lot/", "/10/"),
    ("/ser/", "/21/"),
];
const CANONICAL_KEYS: &[&str] = &[
    "00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8017",
    "8018",
];
/// The reference's value class for key qualifiers: `" ' - . 0-9 ; < = > ? A-Z _ a-z`.
fn dl_chars(s: &str, max: usize) -> bool {
    s.len() <= max
        && s.bytes().all(|c| {
            matches!(c, b'"' | b'\'' | b'-' | b'.' | b'0'..=b'9' | b';'..=b'?' | b'A'..=b'Z' | b'_' | b'a'..=b'z')
        })
}

/// Whether `s` has `/KEY/` followed by four digits and one more non-slash character, before any
/// `?` or `#` (the reference's recognising pattern, in substance).
fn looks_like_dl(s: &str) -> bool {
    let path_end = s.find(['?', '#']).unwrap_or(s.len());
    DL_KEYS.iter().any(|k| {
        let needle = format!("/{k}/");
        s.match_indices(&needle).any(|(i, _)| {
            let after = &s[i + needle.len()..];
            i < path_end
                && after.len() > 4
                && after.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && after.as_bytes()[4] != b'/'
        })
    }) || {
        let last = s.rsplit('/').next().unwrap_or("");
        last.len() == 10
            && last
                .bytes()
                .all(|c| c.is_ascii_alphabetic() || c == b'_' || c == b'-')
    }
}

fn digital_link(value: &str) -> Option<String> {
    if !looks_like_dl(value) {
        return None;
    }
    let mut uri = value[..value.find('?').unwrap_or(value.len())].to_owned();
    for (short, ai) in SHORT_NAMES {
        uri = uri.replace(short, ai);
    }
    let canonical_domain = uri.strip_prefix("https://id.gs1.org/").is_some_and(|rest| {
        CANONICAL_KEYS.iter().any(|k| {
            rest.strip_prefix(k)
                .and_then(|r| r.strip_prefix('/'))
                .is_some_and(|r| {
                    r.len() > 4
                        && r.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                        && r.as_bytes()[4] != b'/'
                })
        })
    });
    if !canonical_domain
        && let Some(i) = CANONICAL_KEYS
            .iter()
            .find_map(|k| uri.find(&format!("/{k}/")))
    {
        uri = format!("https://id.gs1.org{}", &uri[i..]);
    }
    // GTINs padded to 14 digits.
    if let Some(rest) = uri.strip_prefix("https://id.gs1.org/01/") {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        let pad = match n {
            14.. => 0,
            13 => 1,
            12 => 2,
            8..=11 => 6,
            _ => 0,
        };
        if pad > 0 {
            uri = uri.replacen("/01/", &format!("/01/{}", "0".repeat(pad)), 1);
        }
    }
    // Drop the consumer product variant (22).
    if let Some(i) = uri.find("/22/") {
        let (head, cpv) = (&uri[..i], &uri[i + 4..]);
        let keyed = head
            .strip_prefix("https://id.gs1.org/")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(ai, key)| {
                (ai == "8006" && key.len() == 18 || ai == "01" && key.len() == 14)
                    && all_digits(key)
            });
        if keyed {
            if dl_chars(cpv, 20) {
                uri = head.to_owned();
            } else if cpv.len() <= 20
                && cpv
                    .bytes()
                    .all(|c| c == b'/' || dl_chars(&(c as char).to_string(), 1))
            {
                let tail = cpv.find('/').map(|j| &cpv[j..]).unwrap_or("");
                uri = format!("{head}{tail}");
            }
        }
    }
    // Finest level only: with a serial, the lot goes.
    if let Some(i) = uri.find("/10/") {
        let head = &uri[..i];
        let keyed = head
            .strip_prefix("https://id.gs1.org/")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(ai, key)| {
                (ai == "8006" && key.len() == 18 || ai == "01" && key.len() == 14)
                    && all_digits(key)
            });
        let tail = &uri[i + 4..];
        if keyed
            && let Some((lot, serial)) = tail.split_once("/21/")
            && dl_chars(lot, 20)
            && dl_chars(serial, 20)
        {
            uri = format!("{head}/21/{serial}");
        }
    }
    valid_canonical(&uri).then_some(uri)
}

/// The reference's final syntax check on the constrained canonical form.
fn valid_canonical(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("https://id.gs1.org/") else {
        return false;
    };
    let Some((ai, tail)) = rest.split_once('/') else {
        return false;
    };
    let parts: Vec<&str> = tail.split('/').collect();
    let digits = |s: &str, n: usize| s.len() == n && all_digits(s);
    match (ai, parts.as_slice()) {
        ("00", [k]) => digits(k, 18),
        ("01", [k]) => digits(k, 14),
        ("01", [k, q, v]) => {
            digits(k, 14)
                && match *q {
                    "21" | "10" => dl_chars(v, 20),
                    "235" => dl_chars(v, 28),
                    _ => false,
                }
        }
        ("253", [k]) => k.get(..13).is_some_and(|d| digits(d, 13)) && dl_chars(&k[13..], 17),
        ("255", [k]) => k.len() >= 13 && k.len() <= 25 && all_digits(k),
        ("401", [k]) | ("8004", [k]) => dl_chars(k, 30),
        ("402", [k]) => digits(k, 17),
        ("414", [k]) | ("417", [k]) => digits(k, 13),
        ("414", [k, "254", v]) => digits(k, 13) && dl_chars(v, 20),
        ("8003", [k]) => k.get(..14).is_some_and(|d| digits(d, 14)) && dl_chars(&k[14..], 16),
        ("8006", [k]) | ("8017", [k]) | ("8018", [k]) => digits(k, 18),
        ("8006", [k, q, v]) => digits(k, 18) && matches!(*q, "21" | "10") && dl_chars(v, 20),
        ("8010", [k]) => cpi_chars(k),
        ("8010", [k, "8011", v]) => cpi_chars(k) && v.len() <= 12 && all_digits(v),
        _ => false,
    }
}

fn cpi_chars(s: &str) -> bool {
    s.len() <= 30
        && s.bytes()
            .all(|c| matches!(c, b'#' | b'-' | b'/' | b'0'..=b'9' | b'A'..=b'Z'))
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn epc_uris_to_digital_link() {
        // Expected values as the reference implementation's normaliser gives them.
        for (input, out) in [
            (
                "urn:epc:id:sgtin:4012345.011111.9876",
                "https://id.gs1.org/01/04012345111118/21/9876",
            ),
            (
                "urn:epc:id:sgln:4012345.00001.0",
                "https://id.gs1.org/414/4012345000016",
            ),
            (
                "urn:epc:id:sgln:4012345.00001.987",
                "https://id.gs1.org/414/4012345000016/254/987",
            ),
            (
                "urn:epc:id:sscc:4012345.0000000333",
                "https://id.gs1.org/00/040123450000003338",
            ),
            (
                "urn:epc:class:lgtin:4012345.012345.998877",
                "https://id.gs1.org/01/04012345123456/10/998877",
            ),
            (
                "urn:epc:idpat:sgtin:4012345.012345.*",
                "https://id.gs1.org/01/04012345123456",
            ),
            (
                "urn:epc:id:gsin:4012345.000000001",
                "https://id.gs1.org/402/40123450000000016",
            ),
            (
                "urn:epc:id:ginc:4012345.ABC%2F1",
                "https://id.gs1.org/401/4012345ABC%2F1",
            ),
            (
                "urn:epc:id:pgln:401234567890.",
                "https://id.gs1.org/417/4012345678901",
            ),
            (
                "urn:epc:id:grai:4012345.00001.%21x",
                "https://id.gs1.org/8003/04012345000016%21x",
            ),
            (
                "https://example.com/gtin/4012345111118/ser/9876?x=1",
                "https://id.gs1.org/01/04012345111118/21/9876",
            ),
            (
                "https://id.gs1.org/01/04012345111118/10/L1/21/9876",
                "https://id.gs1.org/01/04012345111118/21/9876",
            ),
            (
                "https://example.com/01/9506000134352/22/ABC/21/1",
                "https://id.gs1.org/01/09506000134352/21/1",
            ),
        ] {
            assert_eq!(normalise(input).as_deref(), Some(out), "{input}");
        }
    }

    #[test]
    fn other_identifiers_are_left_alone() {
        let code = "0".repeat(207);
        for input in [
            format!("http://127.0.0.1:8080/v/{code}"),
            "urn:tasdiq:location:souss.agadir.shop-1".to_owned(),
            "urn:epc:id:sgtin:4012345.011111".to_owned(),
            "no dot here".to_owned(),
            "https://example.com/01/95060001343/21/1".to_owned(),
            "urn:epc:id:gsrn:4012345.00000000001".to_owned(),
            "https://a.b/414/4012345000016/254/A!1".to_owned(),
            "https://a.b/253/611123400001é9".to_owned(),
            "https://a.b/8003/0611123400001é77".to_owned(),
        ] {
            assert_eq!(normalise(&input), None, "{input}");
        }
    }
}
