using System.Text;

namespace Loos.Edge.Web.Tenant;

/// <summary>
/// The season's daily consumption as an inline SVG bar chart (estimated days lighter), the site's degree-days as a
/// line on a scale of their own: drawn on the server, styled by the page's sheet, readable without a script.
/// </summary>
internal static class HeatingChart
{
    // About as wide as a phone in CSS pixels, so that the labels read at the page's small print size there.
    private const double Width = 400;
    private const double Height = 220;
    private const double Left = 20;
    private const double Right = 8;
    private const double Top = 18;
    private const double Bottom = 20;

    // The room a day's label ("1er décembre") takes at the label's size.
    private const double DayLabelWidth = 80;

    private static readonly double[] RoundSteps = [1, 2, 5, 10];

    public static string Daily(IReadOnlyList<HeatingDay> days)
    {
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var maxKwh = Ceiling(days.Max(d => d.Kwh ?? 0));
        var maxDju = Ceiling(days.Max(d => d.Dju ?? 0));
        var step = plotWidth / Math.Max(1, days.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"chart-title\">Consommation de chauffage par jour (barres, kWh) et degrés-jours du site (ligne)</title>");
        Axis(svg, Left, Top + plotHeight, Left + plotWidth, Top + plotHeight);
        // The two scales' tops above the plot, kWh on the left, degree-days on the right.
        Label(svg, Left, Top - 6, "start", FrenchFormat.Number(maxKwh) + " kWh");
        Label(svg, Left - 4, Top + plotHeight, "end", "0");
        Label(svg, Left + plotWidth, Top - 6, "end", FrenchFormat.Number(maxDju) + " DJU");
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            if (day.Kwh is { } kwh && kwh > 0)
            {
                var barHeight = kwh / maxKwh * plotHeight;
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"{(day.Estimated ? "estimated" : "measured")}\" x=\"{Left + (i * step) + (step * 0.1):0.#}\" y=\"{Top + plotHeight - barHeight:0.#}\" width=\"{Math.Max(0.5, step * 0.8):0.##}\" height=\"{barHeight:0.#}\"/>");
            }

            // The first day and each month's first, each left out where it would run into the next one's.
            if (day.Day.Day == 1 || (i == 0 && !days.Take(1 + (int)(DayLabelWidth / step)).Skip(1).Any(d => d.Day.Day == 1)))
            {
                // A tick at the day's left edge; near the right end the label ends at the day's right edge instead.
                var x = Left + (i * step);
                var fits = x + DayLabelWidth <= Width;
                Axis(svg, x, Top + plotHeight, x, Top + plotHeight + 4);
                Label(svg, fits ? x : x + step, Top + plotHeight + 14, fits ? "start" : "end", FrenchFormat.Day(day.Day));
            }
        }

        var points = days.Select((day, i) => (day, i)).Where(p => p.day.Dju is not null)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{Left + (p.i * step) + (step / 2):0.#},{Top + plotHeight - (p.day.Dju!.Value / maxDju * plotHeight):0.#}"))
            .ToList();
        if (points.Count > 1)
        {
            svg.Append("<polyline class=\"temperature\" points=\"").AppendJoin(' ', points).Append("\"/>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static void Axis(StringBuilder svg, double x1, double y1, double x2, double y2) =>
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"/>");

    private static void Label(StringBuilder svg, double x, double y, string anchor, string text) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{x:0.#}\" y=\"{y:0.#}\" text-anchor=\"{anchor}\">{Pages.PageLayout.Encode(text)}</text>");

    /// <summary>A round top for a scale: 1, 2 or 5 times a power of ten, at least <paramref name="value"/>.</summary>
    private static double Ceiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return RoundSteps.Select(m => m * power).First(top => top >= value);
    }
}
