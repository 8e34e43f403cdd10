/* The rich-text editor of a draft's body: TinyMCE (vendored under
   static/vendor/tinymce/, self-hosted under the GPL: no cloud, no API key) over each
   textarea that RichTextWidget renders. Configuration comes from the data-*
   attributes of the widget's wrapper, so there is no inline script. Without
   JavaScript the textarea stays, with its hint, and the clerk types plain paragraphs.

   The editor offers only what the Party-document renderer prints (the same
   allow-list as vanphong.drafting.html.clean_body, which the server applies anyway):
   paragraphs, headings 2-3, bold, italic, underline, lists, alignment, tables. */
(function () {
  "use strict";

  // The widget's template loads this file once per field; run once per page.
  if (window.vanphongRichText) {
    return;
  }
  window.vanphongRichText = true;

  var loading = null;

  function loadTinyMCE(src) {
    if (window.tinymce) {
      return Promise.resolve(window.tinymce);
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.tinymce); };
        script.onerror = function () { loading = null; reject(new Error("TinyMCE did not load: " + src)); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function configure(wrapper, textarea) {
    var data = wrapper.dataset;
    var config = {
      target: textarea,
      license_key: "gpl",
      base_url: data.baseUrl,
      suffix: ".min",
      promotion: false,
      branding: false,
      statusbar: false,
      menubar: false,
      plugins: "lists table autoresize",
      toolbar:
        "undo redo | blocks | bold italic underline | bullist numlist | " +
        "alignleft aligncenter alignright alignjustify | table",
      toolbar_mode: "wrap",
      contextmenu: "table",
      block_formats: [
        data.labelParagraph + "=p",
        data.labelHeading2 + "=h2",
        data.labelHeading3 + "=h3"
      ].join(";"),
      // Only the markup the renderer prints; b and i are written strong and em,
      // underline is <u> (TinyMCE's default is a styled span).
      valid_elements:
        "p[style],h2[style],h3[style],h4[style],br,strong/b,em/i,u,ul,ol,li," +
        "table,thead,tbody,tr,th[colspan|rowspan|style],td[colspan|rowspan|style]",
      valid_styles: { "*": "text-align" },
      formats: {
        bold: { inline: "strong" },
        italic: { inline: "em" },
        underline: { inline: "u", exact: true }
      },
      entity_encoding: "raw",
      // Tables: rows, columns, merge and split; no widths, borders or colours (the
      // printed page draws every table the same way).
      table_toolbar:
        "tableinsertrowbefore tableinsertrowafter tabledeleterow | " +
        "tableinsertcolbefore tableinsertcolafter tabledeletecol | " +
        "tablemergecells tablesplitcells | tabledelete",
      table_appearance_options: false,
      table_advtab: false,
      table_cell_advtab: false,
      table_row_advtab: false,
      table_use_colgroups: false,
      table_default_attributes: {},
      table_default_styles: {},
      table_resize_bars: false,
      object_resizing: false,
      // Tables show their real (printed) borders, not TinyMCE's dashed guides.
      visual: false,
      // Pasting from Word keeps the text, paragraphs, lists, tables and emphasis;
      // images and the styles Word and browsers add are dropped.
      paste_data_images: false,
      paste_block_drop: true,
      paste_webkit_styles: "none",
      paste_remove_styles_if_webkit: true,
      paste_preprocess: function (editor, args) {
        // Word's comments and conditional blocks (<!--[if ...]>, <![if !supportLists]>).
        args.content = args.content
          .replace(/<!--[\s\S]*?-->/g, "")
          .replace(/<!\[(?:if[^\]]*|endif)\]>/gi, "");
      },
      content_css: data.contentCss,
      browser_spellcheck: true,
      min_height: 360,
      max_height: 900,
      autoresize_bottom_margin: 24,
      setup: function (editor) {
        // Keep the textarea current (forms also read it outside a submit: htmx).
        editor.on("change input undo redo", function () { editor.save(); });
      }
    };
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      // Screen readers name the editing area after the field's label (without "*").
      var copy = label.cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll("[aria-hidden=true]"), function (node) {
        node.remove();
      });
      // (TinyMCE writes it into the iframe's HTML as it is: no quotes or brackets.)
      config.iframe_aria_text = copy.textContent.replace(/["<>&]/g, "").trim();
    }
    if (data.language) {
      config.language = data.language;
      config.language_url = data.languageUrl;
    }
    return config;
  }

  function start(root) {
    var wrappers = Array.prototype.filter.call(
      (root || document).querySelectorAll("[data-richtext]"),
      function (wrapper) { return !wrapper.hasAttribute("data-richtext-ready"); }
    );
    if (!wrappers.length) {
      return;
    }
    loadTinyMCE(wrappers[0].dataset.tinymceSrc).then(function (tinymce) {
      wrappers.forEach(function (wrapper) {
        var textarea = wrapper.querySelector("textarea");
        if (!textarea || wrapper.hasAttribute("data-richtext-ready")) {
          return;
        }
        wrapper.setAttribute("data-richtext-ready", "");
        // A hidden required textarea would block the submit with no message the
        // clerk can see; the server says what is missing instead.
        textarea.removeAttribute("required");
        tinymce.init(configure(wrapper, textarea)).then(function () {
          // The hint for the bare textarea ("one paragraph per line") no longer applies.
          var hint = wrapper.querySelector("[data-richtext-hint]");
          if (hint) {
            hint.hidden = true;
          }
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
  // A form swapped in by htmx gets its editor too.
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
