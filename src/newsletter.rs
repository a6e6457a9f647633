//! The newsletter sign-up form: `[newsletter]` in site.toml (see
//! `config::newsletter`) turned into the form's shape for each mailing-list
//! provider (the action URL, field names, honeypot, hidden fields, tags, and
//! how the theme's script may submit it), and the address check serve's local
//! endpoint uses. It builds no HTML; the theme's partial does.

use serde::Serialize;

use crate::config::NewsletterConfig;
use crate::config::newsletter::{Provider, mailchimp_honeypot};

/// Where serve's local endpoint receives stub sign-ups.
pub const LOCAL_ENDPOINT: &str = "/__huddle/newsletter";

/// How the theme's script may submit the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmitMode {
    /// No backend: check the address in the browser and show the success note.
    Stub,
    /// Post in the background and show success or error from the answer.
    Fetch,
    /// Let the browser submit the form (the provider answers in a new tab or
    /// redirects); the page cannot read the answer, so it claims nothing.
    Native,
}

#[derive(Debug, Clone, Serialize)]
pub struct HiddenField {
    pub name: String,
    pub value: String,
}

/// The form as templates receive it (`newsletter`).
#[derive(Debug, Clone, Serialize)]
pub struct NewsletterForm {
    pub enabled: bool,
    pub heading: String,
    pub blurb: String,
    pub button: String,
    pub success: String,
    pub error: String,
    pub consent: String,
    pub privacy_url: String,
    pub provider: String,
    /// Where the form posts (empty for the stub in a built site).
    pub action: String,
    pub mode: SubmitMode,
    /// `_blank` when the provider answers with its own page.
    pub target: String,
    pub email_field: String,
    pub honeypot_field: String,
    pub hidden: Vec<HiddenField>,
    /// The field each of the article's tags is sent in (empty: no tags).
    pub tag_field: String,
    /// Netlify's form attributes are needed.
    pub netlify: bool,
}

impl NewsletterConfig {
    /// The form for templates. `local_endpoint`: serve's stub endpoint is running.
    pub fn form(&self, base_path: &str, local_endpoint: bool) -> NewsletterForm {
        let mut form = NewsletterForm {
            enabled: self.enabled,
            heading: self.heading.clone(),
            blurb: self.blurb.clone(),
            button: self.button.clone(),
            success: self.success.clone(),
            error: self.error.clone(),
            consent: self.consent.clone(),
            privacy_url: self.privacy_url.clone(),
            provider: self.provider.as_str().to_string(),
            action: self.action.trim().to_string(),
            mode: SubmitMode::Native,
            target: "_blank".into(),
            email_field: "email".into(),
            honeypot_field: "website".into(),
            hidden: Vec::new(),
            tag_field: String::new(),
            netlify: false,
        };
        match self.provider {
            Provider::Stub if local_endpoint => {
                form.action = LOCAL_ENDPOINT.into();
                form.mode = SubmitMode::Fetch;
                form.target.clear();
                form.tag_field = "tag".into();
            }
            Provider::Stub => {
                form.action.clear();
                form.mode = SubmitMode::Stub;
                form.target.clear();
            }
            Provider::Buttondown => {
                form.hidden.push(HiddenField {
                    name: "embed".into(),
                    value: "1".into(),
                });
                form.tag_field = "tag".into();
            }
            Provider::Mailchimp => {
                form.email_field = "EMAIL".into();
                if let Some(hp) = url::Url::parse(&form.action)
                    .ok()
                    .as_ref()
                    .and_then(mailchimp_honeypot)
                {
                    form.honeypot_field = hp;
                }
            }
            Provider::Kit => form.email_field = "email_address".into(),
            Provider::Netlify => {
                // Netlify answers AJAX posts on the site itself, so the page can read them.
                form.netlify = true;
                form.honeypot_field = "bot-field".into();
                form.hidden.push(HiddenField {
                    name: "form-name".into(),
                    value: "newsletter".into(),
                });
                if form.action.is_empty() {
                    form.action = base_path.to_string();
                }
                form.mode = SubmitMode::Fetch;
                form.target.clear();
            }
            Provider::Custom => {
                if !self.email_field.is_empty() {
                    form.email_field = self.email_field.clone();
                }
                if !self.honeypot_field.is_empty() {
                    form.honeypot_field = self.honeypot_field.clone();
                }
                form.tag_field = self.tag_field.clone();
                if self.cors {
                    form.mode = SubmitMode::Fetch;
                    form.target.clear();
                }
            }
        }
        form
    }
}

/// A plausible email address: what a browser's `type=email` accepts, roughly.
pub fn plausible_email(address: &str) -> Result<(), &'static str> {
    let a = address.trim();
    if a.is_empty() {
        return Err("the address is empty");
    }
    if a.len() > 254 {
        return Err("the address is too long");
    }
    let Some((local, domain)) = a.rsplit_once('@') else {
        return Err("the address has no @");
    };
    if local.is_empty() || domain.is_empty() {
        return Err("the address needs a name before the @ and a domain after it");
    }
    if !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err("the domain after the @ looks incomplete");
    }
    if a.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';'))
        || local.contains('@')
    {
        return Err("the address contains characters that cannot be in an email address");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::newsletter::cfg;

    #[test]
    fn presets_follow_each_provider() {
        let m = cfg(
            "mailchimp",
            "https://abc.us1.list-manage.com/subscribe/post?u=U1&id=L2",
        )
        .form("/", false);
        assert_eq!(
            (m.email_field.as_str(), m.honeypot_field.as_str()),
            ("EMAIL", "b_U1_L2")
        );
        let b = cfg(
            "buttondown",
            "https://buttondown.com/api/emails/embed-subscribe/coach",
        )
        .form("/", false);
        assert_eq!(
            (b.email_field.as_str(), b.tag_field.as_str(), b.mode),
            ("email", "tag", SubmitMode::Native)
        );
        assert_eq!(
            cfg("kit", "https://app.kit.com/forms/1/subscriptions")
                .form("/", false)
                .email_field,
            "email_address"
        );
        let n = cfg("netlify", "").form("/coach/", false);
        assert!(
            n.netlify
                && n.honeypot_field == "bot-field"
                && n.action == "/coach/"
                && n.mode == SubmitMode::Fetch
        );
        assert!(n.hidden.iter().any(|h| h.name == "form-name"));
        assert_eq!(cfg("stub", "").form("/", false).mode, SubmitMode::Stub);
        assert_eq!(cfg("stub", "").form("/", true).action, LOCAL_ENDPOINT);
    }

    #[test]
    fn email_check() {
        assert!(plausible_email("ana@example.org").is_ok());
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a na@example.org",
            "ana@exa..org",
            "\"a\"@x.org",
        ] {
            assert!(plausible_email(bad).is_err(), "{bad}");
        }
    }
}
