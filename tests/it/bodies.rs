//! Bodies over the limit, sent for real over a socket: with a `Content-Length` (refused before
//! it is read) and chunked (found out while reading). Under `/api` the answer is a 413
//! problem; on a page, a 413 page in the visitor's language.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use tasdiq::domain::values::Role;
use tasdiq::i18n::{I18n, Lang};

use crate::interop::Live;

/// Sends `body` (2 MB) to `path` with these headers, chunked or with its length, on a thread
/// of its own so that an early answer is read even while the body is still going out.
/// Returns the status, the content type and the body of the answer.
fn send(base: &str, path: &str, headers: &[(&str, &str)], chunked: bool) -> (u16, String, String) {
    let addr = base.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&addr).unwrap();
    let body = vec![b'a'; 2 * 1024 * 1024];
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
    } else {
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    }
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        // The server may answer and close before it has it all: a failed write is expected.
        let _ = writer.write_all(head.as_bytes());
        for part in body.chunks(64 * 1024) {
            let sent = if chunked {
                writer
                    .write_all(format!("{:x}\r\n", part.len()).as_bytes())
                    .and_then(|()| writer.write_all(part))
                    .and_then(|()| writer.write_all(b"\r\n"))
            } else {
                writer.write_all(part)
            };
            if sent.is_err() {
                return;
            }
        }
        if chunked {
            let _ = writer.write_all(b"0\r\n\r\n");
        }
    });
    let mut reader = BufReader::new(&mut stream);
    let (mut status, mut content_type, mut length) = (0u16, String::new(), 0usize);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        let line = line.trim_end();
        if let Some(rest) = line.strip_prefix("HTTP/1.1 ") {
            status = rest[..3].parse().unwrap();
            continue;
        }
        if line.is_empty() {
            if status == 100 {
                continue;
            }
            break;
        }
        let (k, v) = line.split_once(':').unwrap();
        match k.to_ascii_lowercase().as_str() {
            "content-type" => content_type = v.trim().to_owned(),
            "content-length" => length = v.trim().parse().unwrap(),
            _ => {}
        }
    }
    let mut answer = vec![0; length];
    std::io::Read::read_exact(&mut reader, &mut answer).unwrap();
    let _ = sender.join();
    (
        status,
        content_type,
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_megabytes_get_a_413_problem_or_page_with_a_length_and_chunked() {
    let live = Live::start().await;
    let key = live.app.key(Role::Retailer).await;
    let bearer = format!("Bearer {key}");
    let code = live.app.code(&live.app.authentic_certificate().await, 1);
    let base = live.base.clone();
    let results = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for chunked in [false, true] {
            let api = [
                ("Authorization", bearer.as_str()),
                ("Content-Type", "application/json"),
            ];
            out.push(("api", chunked, send(&base, "/api/v1/verify", &api, chunked)));
            let form = [
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept-Language", "ar"),
            ];
            out.push((
                "page",
                chunked,
                send(&base, &format!("/v/{code}/report"), &form, chunked),
            ));
            out.push((
                "officer",
                chunked,
                send(&base, "/officer/login?lang=zgh", &form, chunked),
            ));
        }
        out
    })
    .await
    .unwrap();
    let i18n = I18n::global();
    for (what, chunked, (status, content_type, body)) in results {
        assert_eq!(status, 413, "{what} chunked={chunked}: {body}");
        if what == "api" {
            assert_eq!(
                content_type, "application/problem+json",
                "chunked={chunked}"
            );
            let p: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(p["status"], 413);
            assert!(p["detail"].as_str().unwrap().contains("limit"), "{p}");
        } else {
            assert!(
                content_type.starts_with("text/html"),
                "{what} chunked={chunked}"
            );
            let lang = if what == "page" { Lang::Ar } else { Lang::Zgh };
            let title = i18n.t(lang, "error-too-large-title");
            assert!(body.contains(&title), "{what} chunked={chunked}: {body}");
        }
    }
}
