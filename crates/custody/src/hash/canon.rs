//! Value canonicalisation for the pre-hash string: CBV URNs to web vocabulary, numbers as the
//! reference implementation writes them (it parses with Python's `float()` and prints integral
//! values as integers), and timestamps to UTC with milliseconds.
//!
//! The reference is the arbiter, so its quirks are reproduced where they change a hash:
//! fractional seconds are truncated to microseconds and then rounded half-to-even to
//! milliseconds (Python's `round`), and any string that reads as a number is rewritten
//! (`"007"` becomes `"7"`).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// Why a value cannot be canonicalised the way the reference would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Overflow;

/// CBV 1.x URNs → CBV 2.0 web vocabulary, replaced anywhere in the text as the reference does.
pub(crate) fn web_vocabulary(text: &str) -> String {
    text.replace(
        "urn:epcglobal:cbv:bizstep:",
        "https://ref.gs1.org/cbv/BizStep-",
    )
    .replace("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-")
    .replace("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-")
    .replace("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-")
    .replace("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-")
}

/// Python's `float(text)` on ASCII input: `None` when it would raise `ValueError`.
pub(crate) fn python_float(text: &str) -> Option<f64> {
    let t = text.trim();
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return t.parse::<f64>().ok();
    }
    // Grammar: digits [. digits] [e [sign] digits], digits may hold single underscores between
    // digits (PEP 515); at least one digit in the mantissa.
    let b = body.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| -> Option<usize> {
        let start = *i;
        let mut n = 0;
        while *i < b.len() {
            if b[*i].is_ascii_digit() {
                n += 1;
                *i += 1;
            } else if b[*i] == b'_'
                && *i > start
                && b[*i - 1].is_ascii_digit()
                && b.get(*i + 1).is_some_and(u8::is_ascii_digit)
            {
                *i += 1;
            } else {
                break;
            }
        }
        (n > 0).then_some(n)
    };
    let int_part = digits(&mut i);
    let mut frac_part = None;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_part = digits(&mut i);
    }
    if int_part.is_none() && frac_part.is_none() {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        digits(&mut i)?;
    }
    if i != b.len() {
        return None;
    }
    t.replace('_', "").parse::<f64>().ok()
}

/// The reference's `_try_format_numeric`: a numeric text becomes Python's `str(int(x))` when
/// integral and `str(x)` otherwise; anything else is left alone. Infinity makes the reference
/// fail on the event, which is [`Overflow`] here.
pub(crate) fn numeric(text: &str) -> Result<String, Overflow> {
    let Some(x) = python_float(text) else {
        return Ok(text.to_owned());
    };
    if x.is_nan() {
        return Ok(text.to_owned());
    }
    if x.is_infinite() {
        return Err(Overflow);
    }
    if x.fract() == 0.0 {
        Ok(exact_integer(x))
    } else {
        Ok(python_repr(x))
    }
}

/// Python's `repr(float)`: the shortest round-trip digits, positional between 1e-4 and 1e16.
pub(crate) fn python_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let e = format!("{:e}", x.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let decpt = exp + 1;
    let n = digits.len() as i32;
    let body = if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
        } else if decpt >= n {
            format!("{}{}.0", digits, "0".repeat((decpt - n) as usize))
        } else {
            let (a, b) = digits.split_at(decpt as usize);
            format!("{a}.{b}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let e = decpt - 1;
        let esign = if e < 0 { '-' } else { '+' };
        format!("{first}{frac}e{esign}{:02}", e.abs())
    };
    format!("{sign}{body}")
}

/// The exact decimal value of an integral, finite f64 (Python's `str(int(x))`).
fn exact_integer(x: f64) -> String {
    if x.abs() < 9.0e18 {
        return format!("{}", x as i64);
    }
    let bits = x.abs().to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1075;
    let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    // Base 10^9 limbs, least significant first; the value is mantissa · 2^exponent, exponent > 0.
    let mut limbs: Vec<u64> = vec![mantissa % 1_000_000_000, mantissa / 1_000_000_000];
    for _ in 0..exponent {
        let mut carry = 0;
        for limb in limbs.iter_mut() {
            let v = *limb * 2 + carry;
            *limb = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut out = String::from(if x < 0.0 { "-" } else { "" });
    let mut iter = limbs.iter().rev();
    if let Some(top) = iter.next() {
        out.push_str(&top.to_string());
    }
    for limb in iter {
        out.push_str(&format!("{limb:09}"));
    }
    out
}

/// The reference's `_fix_time_stamp_format` for ISO 8601 date-times: UTC, milliseconds, `Z`.
/// Text that is not such a timestamp is returned unchanged, as the reference does with what its
/// parser refuses. A time without an offset is read as UTC (the reference would use the
/// machine's local zone).
pub(crate) fn timestamp(text: &str) -> String {
    parse_timestamp(text)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| text.to_owned())
}

/// Parses `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:MM]|±HHMM]` to UTC, rounded to
/// milliseconds the way the reference rounds.
pub(crate) fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    let b = t.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let s = t.get(from..from + len)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let (month, day, hour) = (num(5, 2)?, num(8, 2)?, num(11, 2)?);
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = num(14, 2)?;
    let mut i = 16;
    let mut second = 0;
    let mut micros = 0u32;
    if b.get(i) == Some(&b':') {
        second = num(i + 1, 2)?;
        i += 3;
        if matches!(b.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
            let frac = &t[start..i];
            let six: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
            micros = six.parse().ok()?;
        }
    }
    let offset_minutes: i64 = match &t[i..] {
        "" | "Z" | "z" => 0,
        rest => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let r = &rest[1..];
            if !r.is_ascii() {
                return None;
            }
            let (h, m) = match r.len() {
                2 => (r, "00"),
                4 => (&r[..2], &r[2..]),
                5 if r.as_bytes()[2] == b':' => (&r[..2], &r[3..]),
                _ => return None,
            };
            if !(h.bytes().chain(m.bytes())).all(|c| c.is_ascii_digit()) {
                return None;
            }
            let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
            sign * (h * 60 + m)
        }
    };
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    // Python's round(µs, -3): half to even.
    let (q, r) = (micros / 1000, micros % 1000);
    let millis = if r > 500 || (r == 500 && q % 2 == 1) {
        q + 1
    } else {
        q
    };
    let local = NaiveDateTime::new(date, time) + Duration::milliseconds(i64::from(millis));
    local.checked_sub_signed(Duration::minutes(offset_minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_python_prints_them() {
        for (input, out) in [
            ("5", "5"),
            ("5.0", "5"),
            ("007", "7"),
            ("+1.50", "1.5"),
            ("1e3", "1000"),
            ("1_000", "1000"),
            ("0.00001", "1e-05"),
            ("0.0001", "0.0001"),
            ("-0.0", "0"),
            ("12345678901234567890123", "12345678901234567741440"),
            ("nan", "nan"),
            ("1__0", "1__0"),
            ("_1", "_1"),
            ("1.2.3", "1.2.3"),
            ("+01:00", "+01:00"),
            ("ABC", "ABC"),
            (".5", "0.5"),
            ("5.", "5"),
        ] {
            assert_eq!(numeric(input).unwrap(), out, "{input}");
        }
        assert_eq!(numeric("inf"), Err(Overflow));
        assert_eq!(python_repr(1.2345678901234568e17), "1.2345678901234568e+17");
        assert_eq!(python_repr(0.1), "0.1");
    }

    #[test]
    fn timestamps_to_utc_milliseconds() {
        for (input, out) in [
            ("2019-04-02T15:00:00.000+01:00", "2019-04-02T14:00:00.000Z"),
            ("2019-04-02T15:00:00+01:00", "2019-04-02T14:00:00.000Z"),
            ("2023-01-18T11:04:03.1415Z", "2023-01-18T11:04:03.142Z"),
            ("2023-01-18T11:04:03.1425Z", "2023-01-18T11:04:03.142Z"),
            ("2023-01-18T11:04:03.14159265Z", "2023-01-18T11:04:03.142Z"),
            ("2023-01-18T11:04:03.0005Z", "2023-01-18T11:04:03.000Z"),
            ("2023-01-18T11:04Z", "2023-01-18T11:04:00.000Z"),
            ("2023-01-18T11:04:03+0530", "2023-01-18T05:34:03.000Z"),
            ("2005-04-03T20:33:31.116-06:00", "2005-04-04T02:33:31.116Z"),
            // The reference fails on this event (its rounding reaches 1,000 ms); we carry.
            ("2026-11-06T19:30:00.9996+01:00", "2026-11-06T18:30:01.000Z"),
            ("not a time", "not a time"),
            ("2026-11-05T10:30:00+0é0", "2026-11-05T10:30:00+0é0"),
        ] {
            assert_eq!(timestamp(input), out, "{input}");
        }
    }
}
