using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace Loos.Edge.Web.Pages;

/// <summary>
/// The shell every page shares: one small style sheet inline (no third-party asset, no script), readable on a 390 px
/// phone and printable; pages write their body with <see cref="Encode"/> around every value they did not write.
/// </summary>
internal static class PageLayout
{
    private const string StyleSheet = """
        :root{--ink:#1b1f24;--muted:#59626d;--line:#d5dbe1;--ok:#1d6b34;--warn:#8a5a00;--bad:#a4161a;--accent:#1f5f99;--bg:#fff}
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
        header{border-bottom:1px solid var(--line);padding-top:.75rem;padding-bottom:.5rem}
        header p{margin:0;color:var(--muted);font-size:.9rem}
        h1{font-size:1.5rem;line-height:1.25;margin:1rem 0 .5rem}
        h2{font-size:1.2rem;margin:1.75rem 0 .5rem}
        .headline{font-size:1.35rem;font-weight:600;margin:.5rem 0}
        .status{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600;border:2px solid currentColor}
        .ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}
        .muted{color:var(--muted)}
        .notice{border-left:4px solid var(--warn);background:#fff7e6;padding:.5rem .75rem;margin:1rem 0}
        table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
        th,td{text-align:right;padding:.3rem .4rem;border-bottom:1px solid var(--line)}
        th:first-child,td:first-child{text-align:left}
        .wide{overflow-x:auto}
        figure{margin:1rem 0}
        figcaption{color:var(--muted);font-size:.9rem}
        svg{display:block;width:100%;height:auto;max-width:40rem}
        .estimated{fill:#9fb6cc}.measured{fill:var(--accent)}.temperature{stroke:var(--bad);fill:none;stroke-width:2}
        .axis{stroke:var(--line)}.label{fill:var(--muted);font-size:11px}
        a{color:var(--accent)}
        footer{border-top:1px solid var(--line);margin-top:2rem;padding-top:.5rem;padding-bottom:1rem;color:var(--muted);font-size:.85rem}
        @media print{body{font-size:11pt}header,main,footer{max-width:none}.notice{background:none}a{color:inherit;text-decoration:none}figure,table{break-inside:avoid}.wide{overflow:visible}}
        """;

    /// <summary>A whole HTML document around <paramref name="body"/> (already encoded), in <paramref name="language"/>; <paramref name="head"/> adds to its head.</summary>
    public static string Render(HttpContext context, string language, string title, string siteName, string body, string? head = null)
    {
        var html = new StringBuilder(body.Length + 3000);
        html.Append("<!doctype html>\n<html lang=\"").Append(Encode(language)).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"robots\" content=\"noindex, nofollow\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n")
            .Append("<style nonce=\"").Append(SecurityHeaders.NonceOf(context)).Append("\">").Append(StyleSheet).Append("</style>\n").Append(head)
            .Append("</head>\n<body>\n<header><p>").Append(Encode(siteName)).Append("</p></header>\n<main>\n")
            .Append(body)
            .Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>
    /// Opens a box that scrolls sideways on its own when a table is wider than a phone, so that the page itself never
    /// does; it can take the keyboard's focus to scroll, and is named for screen readers. Closed by <c>&lt;/div&gt;</c>.
    /// </summary>
    public static string WideBox(string label) => $"<div class=\"wide\" role=\"region\" aria-label=\"{Encode(label)}\" tabindex=\"0\">";

    /// <summary>A response of <paramref name="html"/> with <paramref name="statusCode"/>.</summary>
    public static IResult Html(string html, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);

    /// <summary><paramref name="text"/> encoded for an HTML text node or a quoted attribute.</summary>
    public static string Encode(string text) => Encoder.Encode(text);

    // Accents and the euro sign stay as they are: the page is UTF-8.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
}
