//! Other pages as a view shows them: a page's summary in a list (`Listed`)
//! and a link to a page (`LinkView`). Both serialize exactly as their
//! content (templates see no difference), marked with the page they come
//! from: a serializer that knows the names `LISTED` and `LINKED` may read
//! `MARKED_PAGE` there. serve's stamps do, to learn which pages a view read
//! and to take in a listed summary once per rebuild, not once per list. A
//! view reads other pages only through these two.

use serde::Serialize;

/// Page `index`'s summary in a list.
#[derive(Clone)]
pub struct Listed {
    pub index: usize,
    pub value: tera::Value,
}

/// A link: a title and a URL, and the page it leads to if it is one.
#[derive(Clone)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: String,
    pub page: Option<usize>,
}

/// The newtype names the two serialize under.
pub const LISTED: &str = "huddle::Listed";
pub const LINKED: &str = "huddle::Linked";

thread_local! {
    /// The page of the `Listed` or `LinkView` being serialized on this
    /// thread, for the serializer's `serialize_newtype_struct`.
    pub static MARKED_PAGE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

impl Serialize for Listed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MARKED_PAGE.with(|slot| slot.set(Some(self.index)));
        serializer.serialize_newtype_struct(LISTED, &self.value)
    }
}

/// What a link shows.
#[derive(Serialize)]
struct LinkFields<'v> {
    title: &'v str,
    url: &'v str,
}

impl Serialize for LinkView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = LinkFields {
            title: self.title,
            url: &self.url,
        };
        match self.page {
            Some(page) => {
                MARKED_PAGE.with(|slot| slot.set(Some(page)));
                serializer.serialize_newtype_struct(LINKED, &fields)
            }
            None => fields.serialize(serializer),
        }
    }
}
