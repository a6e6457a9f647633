//! The newsletter sign-up form's settings: `[newsletter]` in site.toml, checked,
//! and turned into the form's shape for each mailing-list provider (the action
//! URL, field names, honeypot, hidden fields, tags, and how the theme's script
//! may submit it). It builds no HTML; the theme's partial does.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, suggestion};

pub const PROVIDERS: [&str; 6] = [
    "stub",
    "buttondown",
    "mailchimp",
    "kit",
    "netlify",
    "custom",
];

/// Where serve's local endpoint receives stub sign-ups.
pub const LOCAL_ENDPOINT: &str = "/__huddle/newsletter";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NewsletterConfig {
    pub enabled: bool,
    pub heading: String,
    pub blurb: String,
    pub button: String,
    pub success: String,
    pub error: String,
    /// A consent line shown under the field (plain text); empty for none.
    pub consent: String,
    /// Link to the privacy policy, shown with the consent line; empty for none.
    pub privacy_url: String,
    pub provider: String,
    /// The provider's form URL (not needed for `stub`; optional for `netlify`).
    pub action: String,
    /// `custom` only: the email field's name (default `email`).
    pub email_field: String,
    /// `custom` only: the honeypot field's name (default `website`).
    pub honeypot_field: String,
    /// `custom` only: the field that carries a tag, if the endpoint takes tags.
    pub tag_field: String,
    /// `custom` only: the endpoint answers cross-origin requests (CORS), so the
    /// page may post in the background and show the answer.
    pub cors: bool,
}

impl Default for NewsletterConfig {
    fn default() -> Self {
        NewsletterConfig {
            enabled: true,
            heading: "Coach notes to your inbox".into(),
            blurb: "New articles and checklists, about twice a month. No spam; unsubscribe any time.".into(),
            button: "Subscribe".into(),
            success: "Thank you! Please check your inbox and confirm your address: we only send you notes once you have confirmed.".into(),
            error: "Sorry, that did not work and nothing was saved. Please check your address and try again.".into(),
            consent: String::new(),
            privacy_url: String::new(),
            provider: "stub".into(),
            action: String::new(),
            email_field: String::new(),
            honeypot_field: String::new(),
            tag_field: String::new(),
            cors: false,
        }
    }
}

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
    /// Checks the settings; `text` is site.toml's text, for positions.
    pub fn validate(&self, text: &str) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let at = |key: &str| {
            let needle = format!("{key} =");
            let start = text
                .find(&format!("\n{needle}"))
                .map(|i| i + 1)
                .or_else(|| text.find(&needle))
                .unwrap_or(0);
            start..start + key.len()
        };
        if !self.enabled {
            return errors;
        }
        if !PROVIDERS.contains(&self.provider.as_str()) {
            errors.push(
                Diagnostic::at(
                    "site.toml",
                    text,
                    at("provider"),
                    format!("unknown newsletter provider `{}`", self.provider),
                )
                .with_help(suggestion(&self.provider, &PROVIDERS)),
            );
            return errors;
        }
        let needs_action = matches!(
            self.provider.as_str(),
            "buttondown" | "mailchimp" | "kit" | "custom"
        );
        let example = match self.provider.as_str() {
            "buttondown" => "https://buttondown.com/api/emails/embed-subscribe/YOUR-USERNAME",
            "mailchimp" => {
                "https://YOUR-DC.list-manage.com/subscribe/post?u=USER-ID&id=AUDIENCE-ID"
            }
            "kit" => "https://app.kit.com/forms/FORM-ID/subscriptions",
            _ => "https://example.org/subscribe",
        };
        if self.action.trim().is_empty() {
            if needs_action {
                errors.push(
                    Diagnostic::at("site.toml", text, at("provider"), format!("the `{}` newsletter provider needs an `action` (the provider's form URL)", self.provider))
                        .with_help(format!("add under [newsletter]: action = \"{example}\" (or provider = \"stub\" to try the form without a provider)")),
                );
            }
        } else if self.provider == "netlify" {
            if !self.action.starts_with('/') {
                errors.push(Diagnostic::at("site.toml", text, at("action"), "for Netlify, `action` is the path of your thank-you page")
                    .with_help("write a path on your site, e.g. action = \"/newsletter/thanks/\", or leave it out"));
            }
        } else {
            match url::Url::parse(self.action.trim()) {
                Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {
                    if self.provider == "mailchimp" && mailchimp_honeypot(&u).is_none() {
                        errors.push(Diagnostic::at("site.toml", text, at("action"), "this Mailchimp `action` lacks the `u=` and `id=` parts")
                            .with_help(format!("copy the form action from Mailchimp's embedded form, e.g. \"{example}\"")));
                    }
                }
                _ => errors.push(
                    Diagnostic::at(
                        "site.toml",
                        text,
                        at("action"),
                        format!(
                            "newsletter `action` \"{}\" is not an https:// URL",
                            self.action
                        ),
                    )
                    .with_help(format!(
                        "write the provider's full form URL, e.g. \"{example}\""
                    )),
                ),
            }
        }
        let privacy_ok = ["/", "https://", "http://"]
            .iter()
            .any(|p| self.privacy_url.starts_with(p));
        if !self.privacy_url.is_empty() && !privacy_ok {
            errors.push(
                Diagnostic::at(
                    "site.toml",
                    text,
                    at("privacy_url"),
                    "`privacy_url` must be a path on the site (/privacy/) or a full URL",
                )
                .with_help("e.g. privacy_url = \"/privacy/\""),
            );
        }
        errors
    }

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
            provider: self.provider.clone(),
            action: self.action.trim().to_string(),
            mode: SubmitMode::Native,
            target: "_blank".into(),
            email_field: "email".into(),
            honeypot_field: "website".into(),
            hidden: Vec::new(),
            tag_field: String::new(),
            netlify: false,
        };
        match self.provider.as_str() {
            "stub" if local_endpoint => {
                form.action = LOCAL_ENDPOINT.into();
                form.mode = SubmitMode::Fetch;
                form.target.clear();
                form.tag_field = "tag".into();
            }
            "stub" => {
                form.action.clear();
                form.mode = SubmitMode::Stub;
                form.target.clear();
            }
            "buttondown" => {
                form.hidden.push(HiddenField {
                    name: "embed".into(),
                    value: "1".into(),
                });
                form.tag_field = "tag".into();
            }
            "mailchimp" => {
                form.email_field = "EMAIL".into();
                if let Some(hp) = url::Url::parse(&form.action)
                    .ok()
                    .as_ref()
                    .and_then(mailchimp_honeypot)
                {
                    form.honeypot_field = hp;
                }
            }
            "kit" => form.email_field = "email_address".into(),
            "netlify" => {
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
            _ => {
                // custom
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

/// Mailchimp's honeypot field is `b_<user id>_<audience id>`, from the action URL.
fn mailchimp_honeypot(url: &url::Url) -> Option<String> {
    let query: std::collections::HashMap<_, _> = url.query_pairs().collect();
    Some(format!("b_{}_{}", query.get("u")?, query.get("id")?))
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

    fn cfg(provider: &str, action: &str) -> NewsletterConfig {
        NewsletterConfig {
            provider: provider.into(),
            action: action.into(),
            ..Default::default()
        }
    }

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
    fn real_providers_need_a_valid_action() {
        assert!(cfg("stub", "").validate("").is_empty());
        let e = cfg("buttondown", "").validate("[newsletter]\nprovider = \"buttondown\"\n");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 2);
        assert!(e[0].help.as_deref().unwrap().contains("buttondown.com"));
        assert_eq!(
            cfg("kit", "http://insecure.example/x").validate("").len(),
            1
        );
        assert_eq!(
            cfg("mailchimp", "https://x.list-manage.com/subscribe/post")
                .validate("")
                .len(),
            1
        );
        let e = cfg("mailchump", "").validate("provider = \"mailchump\"\n");
        assert!(e[0].help.as_deref().unwrap().contains("mailchimp"));
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
