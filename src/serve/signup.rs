//! serve's local newsletter endpoint for the stub form: checks the address
//! and appends the sign-up to a JSON Lines file, synced before it answers.

use super::*;

/// Sign-ups larger than this are refused (413): a real one is under 300 bytes.
pub(super) const SIGNUP_BODY_LIMIT: usize = 4096;

/// Where serve records stub sign-ups, relative to the site root.
pub const SIGNUPS_FILE: &str = ".huddle/newsletter-signups.jsonl";

fn json_answer(status: StatusCode, value: serde_json::Value) -> Response {
    with_headers(status, "application/json", value.to_string().into_bytes())
}

/// `POST /__huddle/newsletter`: the stub form's local endpoint. Checks the
/// address and appends the sign-up as one JSON line, flushed and synced to disk
/// before answering, so a success the page shows is a sign-up on disk.
pub(super) async fn newsletter_signup(
    State(shared): State<Arc<Shared>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut email = None;
    let mut tags = Vec::new();
    let mut honeypot = false;
    for (key, value) in form_urlencoded::parse(&body) {
        match key.as_ref() {
            "email" => email = Some(value.into_owned()),
            "tag" => tags.push(value.into_owned()),
            "website" => honeypot |= !value.trim().is_empty(),
            _ => {}
        }
    }
    let Some(email) = email else {
        return json_answer(
            StatusCode::BAD_REQUEST,
            serde_json::json!({ "error": "the form sent no `email` field" }),
        );
    };
    if let Err(why) = crate::newsletter::plausible_email(&email) {
        return json_answer(StatusCode::BAD_REQUEST, serde_json::json!({ "error": why }));
    }
    if honeypot {
        // Filled in by a bot: answer like a success so it learns nothing, record nothing.
        return json_answer(StatusCode::OK, serde_json::json!({ "ok": true }));
    }
    let page = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let received = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_default();
    let line = serde_json::json!({ "email": email.trim(), "tags": tags, "page": page, "received": received }).to_string();
    let written = tokio::task::spawn_blocking(move || append_signup(&shared, &line)).await;
    match written {
        Ok(Ok(())) => json_answer(StatusCode::OK, serde_json::json!({ "ok": true })),
        Ok(Err(e)) => json_answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "error": format!("could not save the sign-up: {e}") }),
        ),
        Err(_) => json_answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "error": "could not save the sign-up" }),
        ),
    }
}

fn append_signup(shared: &Shared, line: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let path = shared.root.join(SIGNUPS_FILE);
    let _guard = shared
        .signups
        .lock()
        .map_err(|_| std::io::Error::other("a previous write failed"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    // One write of the whole line: appends of one buffer do not interleave.
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_all()
}
