//! `[newsletter]` in site.toml: the sign-up form's texts and its mailing-list
//! provider, checked (a real provider needs an https form URL; Netlify a
//! path). The form's shape for templates is built in `newsletter`.

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, suggestion};

/// The mailing-list services the form can post to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum Provider {
    /// No service: the form is tried locally (serve records sign-ups).
    Stub,
    Buttondown,
    Mailchimp,
    Kit,
    Netlify,
    /// Any endpoint, with configurable field names.
    Custom,
}

impl Provider {
    pub const ALL: [Provider; 6] = [
        Provider::Stub,
        Provider::Buttondown,
        Provider::Mailchimp,
        Provider::Kit,
        Provider::Netlify,
        Provider::Custom,
    ];

    /// The name written in site.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Stub => "stub",
            Provider::Buttondown => "buttondown",
            Provider::Mailchimp => "mailchimp",
            Provider::Kit => "kit",
            Provider::Netlify => "netlify",
            Provider::Custom => "custom",
        }
    }
}

impl TryFrom<String> for Provider {
    type Error = String;

    fn try_from(name: String) -> Result<Self, String> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == name.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
                format!(
                    "unknown newsletter provider `{name}`: {}",
                    suggestion(&name, &names)
                )
            })
    }
}

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
    pub provider: Provider,
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
    /// The unsubscribe link written into newsletter emails; empty: the
    /// provider's placeholder (see `Provider::unsubscribe_placeholder`).
    pub unsubscribe_url: String,
}

impl NewsletterConfig {
    /// The form's texts that site.toml does not set (`written`: the keys it
    /// does), in the site's language.
    pub fn texts_from(&mut self, strings: &crate::strings::Strings, written: &[String]) {
        let fields = [
            ("heading", &mut self.heading),
            ("blurb", &mut self.blurb),
            ("button", &mut self.button),
            ("success", &mut self.success),
            ("error", &mut self.error),
        ];
        for (key, field) in fields {
            if !written.iter().any(|w| w == key) {
                *field = strings.text(&format!("newsletter_{key}")).to_string();
            }
        }
    }
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
            provider: Provider::Stub,
            action: String::new(),
            email_field: String::new(),
            honeypot_field: String::new(),
            tag_field: String::new(),
            cors: false,
            unsubscribe_url: String::new(),
        }
    }
}

impl Provider {
    /// What the provider replaces, in an email it sends, with each reader's
    /// own unsubscribe link (Buttondown and Kit: a template variable;
    /// Mailchimp: a merge tag). Other services: Buttondown's form, which
    /// most tools that take pasted HTML understand; set `unsubscribe_url`
    /// for yours.
    pub fn unsubscribe_placeholder(self) -> &'static str {
        match self {
            Provider::Mailchimp => "*|UNSUB|*",
            _ => "{{ unsubscribe_url }}",
        }
    }
}

impl NewsletterConfig {
    /// The unsubscribe link for emails: `unsubscribe_url`, else the provider's placeholder.
    pub fn unsubscribe(&self) -> &str {
        match self.unsubscribe_url.trim() {
            "" => self.provider.unsubscribe_placeholder(),
            url => url,
        }
    }

    /// Why `unsubscribe_url` would not work in an email: it must be a full
    /// link (every URL of an email is absolute) or a sending tool's merge tag.
    fn bad_unsubscribe(&self) -> Option<String> {
        let url = self.unsubscribe_url.trim();
        let merge_tag = ["{{", "{%", "*|", "%%", "[[", "%unsubscribe", "$"]
            .iter()
            .any(|t| url.starts_with(t));
        if url.is_empty() || merge_tag {
            return None;
        }
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "https" | "http") && u.host_str().is_some() => None,
            Ok(u) if u.scheme() == "mailto" => None,
            _ => Some(format!(
                "`unsubscribe_url = \"{url}\"` is neither a full link nor a merge tag"
            )),
        }
    }

    /// A warning for sites with newsletter issues whose provider has no
    /// unsubscribe placeholder of its own: the emails carry Buttondown's and
    /// Kit's `{{ unsubscribe_url }}`, which other tools send as it is.
    pub fn unsubscribe_warning(&self) -> Option<Diagnostic> {
        let own = matches!(
            self.provider,
            // (The stub has no sending tool yet: nothing to warn about.)
            Provider::Buttondown | Provider::Mailchimp | Provider::Kit | Provider::Stub
        );
        (self.enabled && !own && self.unsubscribe_url.trim().is_empty()).then(|| {
            Diagnostic::file_error(
                "site.toml",
                format!(
                    "the newsletter emails' unsubscribe link is `{}`, Buttondown's and Kit's placeholder: provider \"{}\" does not fill it in",
                    self.unsubscribe(),
                    self.provider.as_str()
                ),
            )
            .with_help("add under [newsletter] the merge tag your sending tool replaces with each reader's unsubscribe link, e.g. unsubscribe_url = \"*|UNSUB|*\" (Mailchimp)")
            .warning()
        })
    }

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
        let needs_action = matches!(
            self.provider,
            Provider::Buttondown | Provider::Mailchimp | Provider::Kit | Provider::Custom
        );
        let example = match self.provider {
            Provider::Buttondown => {
                "https://buttondown.com/api/emails/embed-subscribe/YOUR-USERNAME"
            }
            Provider::Mailchimp => {
                "https://YOUR-DC.list-manage.com/subscribe/post?u=USER-ID&id=AUDIENCE-ID"
            }
            Provider::Kit => "https://app.kit.com/forms/FORM-ID/subscriptions",
            _ => "https://example.org/subscribe",
        };
        if self.action.trim().is_empty() {
            if needs_action {
                errors.push(
                    Diagnostic::at("site.toml", text, at("provider"), format!("the `{}` newsletter provider needs an `action` (the provider's form URL)", self.provider.as_str()))
                        .with_help(format!("add under [newsletter]: action = \"{example}\" (or provider = \"stub\" to try the form without a provider)")),
                );
            }
        } else if self.provider == Provider::Netlify {
            if !self.action.starts_with('/') {
                errors.push(Diagnostic::at("site.toml", text, at("action"), "for Netlify, `action` is the path of your thank-you page")
                    .with_help("write a path on your site, e.g. action = \"/newsletter/thanks/\", or leave it out"));
            }
        } else {
            match url::Url::parse(self.action.trim()) {
                Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {
                    if self.provider == Provider::Mailchimp && mailchimp_honeypot(&u).is_none() {
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
        if let Some(e) = self.bad_unsubscribe() {
            errors.push(Diagnostic::at("site.toml", text, at("unsubscribe_url"), e).with_help(
                "write the full link (https://… or mailto:…) or your sending tool's merge tag, e.g. unsubscribe_url = \"{{ unsubscribe_url }}\" (Buttondown, Kit) or \"*|UNSUB|*\" (Mailchimp)",
            ));
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
}

/// Mailchimp's honeypot field is `b_<user id>_<audience id>`, from the action URL.
pub(crate) fn mailchimp_honeypot(url: &url::Url) -> Option<String> {
    let query: std::collections::HashMap<_, _> = url.query_pairs().collect();
    Some(format!("b_{}_{}", query.get("u")?, query.get("id")?))
}

/// A default `[newsletter]` with this provider and action, for tests.
#[cfg(test)]
pub(crate) fn cfg(provider: &str, action: &str) -> NewsletterConfig {
    NewsletterConfig {
        provider: Provider::try_from(provider.to_string()).unwrap(),
        action: action.into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut c = cfg(
            "buttondown",
            "https://buttondown.com/api/emails/embed-subscribe/c",
        );
        for fine in [
            "",
            "{{ unsubscribe_url }}",
            "*|UNSUB|*",
            "https://x.org/u?id=1",
            "mailto:leave@x.org",
        ] {
            c.unsubscribe_url = fine.into();
            assert!(c.validate("").is_empty(), "{fine}");
        }
        for wrong in ["/unsubscribe/", "unsubscribe", "ftp://x.org/u"] {
            c.unsubscribe_url = wrong.into();
            let e = c.validate("[newsletter]\nunsubscribe_url = \"x\"\n");
            assert_eq!((e.len(), e[0].line), (1, 2), "{wrong}");
        }
        let toml =
            "title = \"t\"\nbase_url = \"https://x.org\"\n[newsletter]\nprovider = \"mailchump\"\n";
        let e = crate::config::parse_config(toml, None).unwrap_err();
        assert_eq!(e[0].line, 4, "{}", e[0]);
        assert!(
            e[0].help.as_deref().unwrap().contains("mailchimp"),
            "{}",
            e[0]
        );
    }
}
