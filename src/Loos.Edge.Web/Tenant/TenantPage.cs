using System.Text;
using Loos.Edge.Web.Pages;
using Microsoft.AspNetCore.Http;

namespace Loos.Edge.Web.Tenant;

/// <summary>
/// The tenant's page, in French: euros first (the season so far against the target, the projection over a normal
/// winter, the status in words), then the kWh day by day and month by month beside the degree-days. Daily at the
/// finest: a finer curve would show when the household sleeps or is away.
/// </summary>
internal static class TenantPage
{
    /// <summary>How long the meter may stay silent before the page says so.</summary>
    public static readonly TimeSpan SilentMeter = TimeSpan.FromDays(1);

    public static string Render(HttpContext context, string siteName, HomeHeating heating, double targetEur, DateTimeOffset now, TimeZoneInfo zone)
    {
        var body = new StringBuilder();
        body.Append("<h1>Votre chauffage cette saison : ").Append(Encode(FrenchFormat.Euros(heating.CostYtdEur)))
            .Append(" sur un objectif de ").Append(Encode(FrenchFormat.Euros(targetEur))).Append("</h1>\n");
        var (statusWords, statusClass) = Status(heating.StatusCode);
        body.Append("<p class=\"headline\">");
        if (heating.ProjectedCostEur is { } projected)
        {
            body.Append("Sur un hiver normal, la saison coûterait environ ").Append(Encode(FrenchFormat.Euros(projected))).Append(" : ");
        }

        body.Append("<span class=\"status ").Append(statusClass).Append("\">").Append(Encode(statusWords)).Append("</span></p>\n");
        body.Append("<p>Soit ").Append(Encode(FrenchFormat.Kwh(heating.KwhYtd))).Append(" depuis le ")
            .Append(Encode(FrenchFormat.Day(heating.Days.Count > 0 ? heating.Days[0].Day : heating.AsOf)));
        if (heating.ProjectedKwh is { } projectedKwh)
        {
            body.Append(", environ ").Append(Encode(FrenchFormat.Kwh(projectedKwh))).Append(" sur un hiver normal");
        }

        body.Append(".</p>\n");
        Freshness(body, heating, now, zone);
        if (heating.Days.Count > 0)
        {
            body.Append("<h2>Jour par jour</h2>\n<figure>").Append(HeatingChart.Daily(heating.Days))
                .Append("<figcaption>Barres : kWh de chauffage par jour (plus claires : jours estimés, le compteur n'ayant rien transmis). Ligne : degrés-jours (plus il fait froid, plus ils sont hauts).</figcaption></figure>\n");
            Months(body, heating.Days);
            DailyTable(body, heating.Days);
        }

        body.Append("<footer>Page personnelle de votre logement : ne la partagez pas. Les chiffres viennent du compteur de chaleur, relevé chaque jour ; les euros comprennent la part fixe de l'abonnement au prorata de la saison.</footer>\n");
        return PageLayout.Render(context, "fr", "Votre chauffage", siteName, body.ToString());
    }

    /// <summary>The page of a home whose figures are not published yet: it says so, without any figure.</summary>
    public static string Missing(HttpContext context, string siteName) => PageLayout.Render(context, "fr", "Votre chauffage", siteName,
        "<h1>Votre chauffage</h1>\n<p class=\"notice\">Les données de chauffage de votre logement ne sont pas encore disponibles pour cette saison. Elles apparaîtront ici dès que le compteur aura transmis ses premiers relevés, en général le lendemain.</p>\n");

    /// <summary>The page shown while InfluxDB does not answer.</summary>
    public static string Unavailable(HttpContext context, string siteName) => PageLayout.Render(context, "fr", "Votre chauffage", siteName,
        "<h1>Votre chauffage</h1>\n<p class=\"notice\">Les données sont momentanément indisponibles. Réessayez dans quelques minutes.</p>\n");

    private static (string Words, string Class) Status(int code) => code switch
    {
        0 => ("dans l'objectif", "ok"),
        1 => ("à surveiller", "warn"),
        2 => ("au-dessus de l'objectif", "bad"),
        _ => ("pas encore assez de données pour une projection", "muted"),
    };

    private static void Freshness(StringBuilder body, HomeHeating heating, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (heating.LastMeterReading is not { } last)
        {
            body.Append("<p class=\"notice\">Le compteur n'a rien transmis depuis le début de la saison : les jours affichés sont estimés.</p>\n");
            return;
        }

        body.Append("<p class=\"muted\">Données mises à jour ").Append(Encode(FrenchFormat.Ago(now - last))).Append(".</p>\n");
        if (now - last > SilentMeter)
        {
            var local = TimeZoneInfo.ConvertTime(last, zone);
            body.Append("<p class=\"notice\">Le compteur n'a rien transmis depuis le ").Append(Encode(FrenchFormat.Day(DateOnly.FromDateTime(local.DateTime))))
                .Append(" à ").Append(Encode(FrenchFormat.Time(TimeOnly.FromDateTime(local.DateTime))))
                .Append(" : les jours suivants sont estimés et seront corrigés dès son retour.</p>\n");
        }

        if (heating.EstimatedDays > 0)
        {
            body.Append("<p>").Append(heating.EstimatedDays.ToString(CultureInfo.InvariantCulture))
                .Append(heating.EstimatedDays == 1 ? " jour est estimé" : " jours sont estimés").Append(" faute de relevé du compteur.</p>\n");
        }
    }

    private static void Months(StringBuilder body, IReadOnlyList<HeatingDay> days)
    {
        body.Append("<h2>Mois par mois</h2>\n<table>\n<thead><tr><th scope=\"col\">Mois</th><th scope=\"col\">kWh</th><th scope=\"col\">Degrés-jours</th><th scope=\"col\">Jours estimés</th></tr></thead>\n<tbody>\n");
        foreach (var month in days.GroupBy(d => (d.Day.Year, d.Day.Month)))
        {
            body.Append("<tr><td>").Append(Encode(FrenchFormat.Month(month.Key.Year, month.Key.Month))).Append("</td><td>")
                .Append(Encode(FrenchFormat.Number(month.Sum(d => d.Kwh ?? 0)))).Append("</td><td>")
                .Append(Encode(FrenchFormat.Number(month.Sum(d => d.Dju ?? 0)))).Append("</td><td>")
                .Append(month.Count(d => d.Estimated).ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }

        body.Append("</tbody>\n</table>\n");
    }

    private static void DailyTable(StringBuilder body, IReadOnlyList<HeatingDay> days)
    {
        body.Append("<details><summary>Le détail jour par jour</summary>\n<table>\n<thead><tr><th scope=\"col\">Jour</th><th scope=\"col\">kWh</th><th scope=\"col\">Degrés-jours</th></tr></thead>\n<tbody>\n");
        foreach (var day in days.Reverse())
        {
            body.Append("<tr><td>").Append(Encode(FrenchFormat.Day(day.Day))).Append("</td><td>")
                .Append(day.Kwh is { } kwh ? Encode(FrenchFormat.Number(kwh, 1)) : "—")
                .Append(day.Estimated ? " (estimé)" : string.Empty).Append("</td><td>")
                .Append(day.Dju is { } dju ? Encode(FrenchFormat.Number(dju, 1)) : "—").Append("</td></tr>\n");
        }

        body.Append("</tbody>\n</table>\n</details>\n");
    }

    private static string Encode(string text) => PageLayout.Encode(text);
}
