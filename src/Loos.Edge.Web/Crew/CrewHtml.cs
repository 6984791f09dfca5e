using System.Text;
using Loos.Edge.Web.Tenant;
using static Loos.Edge.Web.Pages.PageLayout;

namespace Loos.Edge.Web.Crew;

/// <summary>The crew's pages as HTML (French): the circuits now and tonight, the week ahead, the override forms.</summary>
internal static class CrewHtml
{
    private static readonly string[] Weekdays = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];

    /// <summary>The login form; <paramref name="problem"/> said above it.</summary>
    public static string Login(string token, string? problem) =>
        "<h1>Éclairage public : connexion de l'équipe</h1>\n"
        + (problem is null ? "" : $"<p class=\"notice\" role=\"alert\">{Encode(problem)}</p>\n")
        + "<form method=\"post\" action=\"/equipe/connexion\">\n" + Token(token)
        + "<p><label>Nom <input name=\"name\" autocomplete=\"username\" required maxlength=\"64\"></label></p>\n"
        + "<p><label>Mot de passe <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"256\"></label></p>\n"
        + "<p><button type=\"submit\">Se connecter</button></p>\n</form>\n";

    /// <summary>The crew's page: each gateway's circuits now and tonight, the week ahead, the requests, the forms.</summary>
    public static string Overview(CrewView view, IReadOnlyList<CrewRequest> requests, string user, string token, TimeZoneInfo zone, DateTimeOffset now, string? problem)
    {
        var html = new StringBuilder();
        html.Append("<h1>Éclairage public</h1>\n<p>Connecté : ").Append(Encode(user))
            .Append(" · <a href=\"/equipe/semaine\">plan de la semaine à imprimer</a></p>\n")
            .Append("<form method=\"post\" action=\"/equipe/deconnexion\">").Append(Token(token)).Append("<button type=\"submit\">Se déconnecter</button></form>\n");
        if (problem is not null)
        {
            html.Append("<p class=\"notice\" role=\"alert\">").Append(Encode(problem)).Append("</p>\n");
        }

        Requests(html, requests, token, zone);
        if (view.Circuits.Count == 0)
        {
            html.Append("<p class=\"notice\">Aucune passerelle n'a publié de plan d'éclairage ces 8 derniers jours.</p>\n");
        }

        foreach (var gateway in view.Circuits.GroupBy(c => c.Gateway))
        {
            var sun = view.Sun.GetValueOrDefault(gateway.Key) ?? [];
            html.Append("<h2>Passerelle ").Append(Encode(gateway.Key)).Append("</h2>\n");
            html.Append(WideBox($"{gateway.Key} : maintenant")).Append("<table>\n<caption class=\"muted\">Maintenant</caption>\n<thead><tr><th scope=\"col\">Circuit</th><th scope=\"col\">Commandé</th><th scope=\"col\">Relevé (luminaires)</th><th scope=\"col\">État</th><th scope=\"col\">Économisé ce mois</th></tr></thead>\n<tbody>\n");
            foreach (var circuit in gateway)
            {
                html.Append("<tr><th scope=\"row\">").Append(Encode(circuit.Circuit)).Append("</th><td>")
                    .Append(circuit.CommandedLevel is { } level ? $"{level} %" : "—").Append("</td><td>")
                    .Append(Reported(circuit)).Append("</td><td>").Append(State(circuit)).Append("</td><td>")
                    .Append(circuit.SavedKwhThisMonth is { } saved ? FrenchFormat.Kwh(saved, 1) : "—").Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table></div>\n");
            foreach (var circuit in gateway)
            {
                html.Append("<h3>").Append(Encode(circuit.Circuit)).Append(" : cette nuit</h3>\n");
                Chart(html, circuit, view.FirstNight, sun.FirstOrDefault(s => s.NightStart == view.FirstNight), zone);
            }

            Week(html, gateway.ToList(), sun, view.FirstNight, zone);
            AddForm(html, gateway.Key, [.. gateway.Select(c => c.Circuit)], token, now, zone);
        }

        return html.ToString();
    }

    /// <summary>The week plan, to print: each gateway's nights with their sun times and each circuit's steps.</summary>
    public static string Week(CrewView view, TimeZoneInfo zone)
    {
        var html = new StringBuilder("<h1>Éclairage public : plan de la semaine</h1>\n<p><a href=\"/equipe\">retour</a></p>\n");
        foreach (var gateway in view.Circuits.GroupBy(c => c.Gateway))
        {
            html.Append("<h2>Passerelle ").Append(Encode(gateway.Key)).Append("</h2>\n");
            Week(html, gateway.ToList(), view.Sun.GetValueOrDefault(gateway.Key) ?? [], view.FirstNight, zone);
        }

        return html.ToString();
    }

    private static void Requests(StringBuilder html, IReadOnlyList<CrewRequest> requests, string token, TimeZoneInfo zone)
    {
        if (requests.Count == 0)
        {
            return;
        }

        html.Append("<h2>Demandes envoyées</h2>\n").Append(WideBox("Demandes envoyées")).Append("<table>\n<thead><tr><th scope=\"col\">Demande</th><th scope=\"col\">Envoyée</th><th scope=\"col\">Réponse</th><th scope=\"col\"></th></tr></thead>\n<tbody>\n");
        foreach (var request in requests)
        {
            html.Append("<tr><td>").Append(Encode($"{request.Gateway} : {request.Summary}")).Append("</td><td>").Append(DayAndTime(request.SentAt, zone))
                .Append("</td><td class=\"request-state\">").Append(request.State switch
                {
                    RequestState.Pending => "<span class=\"warn\">en attente de la passerelle</span>",
                    RequestState.Applied => $"<span class=\"ok\">appliquée</span>{(request.OverrideId is { } id ? $" ({Encode(id)})" : "")}",
                    _ => $"<span class=\"bad\">refusée</span> : {Encode(request.Reason ?? "")}",
                }).Append("</td><td>");
            if (request is { State: RequestState.Applied, OverrideId: { } overrideId })
            {
                html.Append("<form method=\"post\" action=\"/equipe/derogation/annuler\">").Append(Token(token))
                    .Append("<input type=\"hidden\" name=\"gateway\" value=\"").Append(Encode(request.Gateway)).Append("\">")
                    .Append("<input type=\"hidden\" name=\"id\" value=\"").Append(Encode(overrideId)).Append("\">")
                    .Append("<button type=\"submit\">Annuler</button></form>");
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n<p class=\"muted\">Une demande encore en attente affiche la réponse de sa passerelle au rechargement de la page.</p>\n");
    }

    private static string Reported(CircuitView circuit) => circuit.Luminaires.Count == 0
        ? "—"
        : string.Join(", ", circuit.Luminaires.Select(l => Encode(l.Luminaire) + " " + (l.Level is { } level ? FrenchFormat.Number(level) + " %" : "?")));

    private static string State(CircuitView circuit)
    {
        var failed = circuit.Luminaires.Where(l => l.LampFailure).Select(l => l.Luminaire).ToList();
        var state = circuit.CommandOutcome switch
        {
            "confirmed" => "<span class=\"ok\">suit le plan</span>",
            "not-following" => "<span class=\"bad\">ne suit pas</span>",
            "unsent" => "<span class=\"bad\">commande non envoyée</span>",
            null => "<span class=\"muted\">aucune commande</span>",
            _ => "<span class=\"warn\">commande en attente</span>",
        };
        return failed.Count == 0 ? state : state + $"<br><span class=\"bad\">lampe en panne : {Encode(string.Join(", ", failed))}</span>";
    }

    /// <summary>Tonight's levels from noon to noon as steps, with sunset and sunrise marked.</summary>
    private static void Chart(StringBuilder html, CircuitView circuit, DateTimeOffset nightStart, NightSun? sun, TimeZoneInfo zone)
    {
        // About as wide as a phone in CSS pixels, so that the labels read at the page's small print size there.
        const double Width = 360, Height = 100, Top = 10, Bottom = 80;
        var nightEnd = nightStart.AddDays(1);
        double X(DateTimeOffset at) => Math.Round(Width * Math.Clamp((at - nightStart) / (nightEnd - nightStart), 0, 1), 1);
        double Y(int level) => Math.Round(Bottom - ((Bottom - Top) * level / 100.0), 1);
        var steps = circuit.Plan.Where(s => s.At >= nightStart && s.At < nightEnd).ToList();
        var path = new StringBuilder($"M0 {Y(0).ToString(CultureInfo.InvariantCulture)}");
        var level = 0;
        foreach (var step in steps)
        {
            path.Append(CultureInfo.InvariantCulture, $" H{X(step.At)} V{Y(step.Level)}");
            level = step.Level;
        }

        path.Append(CultureInfo.InvariantCulture, $" H{Width}");
        var description = steps.Count == 0 ? "éteint toute la nuit" : string.Join(", ", steps.Select(s => $"{Local(s.At, zone, "HH:mm")} {s.Level} %"));
        html.Append(CultureInfo.InvariantCulture, $"<figure><svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Encode(circuit.Circuit)} cette nuit : {Encode(description)}\">");
        html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"0\" y1=\"{Bottom}\" x2=\"{Width}\" y2=\"{Bottom}\"/>");
        foreach (var (at, label) in new[] { (sun?.Sunset, "coucher"), (sun?.Sunrise, "lever") })
        {
            if (at is { } instant)
            {
                html.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{X(instant)}\" y1=\"{Top}\" x2=\"{X(instant)}\" y2=\"{Bottom}\" stroke-dasharray=\"4 3\"/>")
                    .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{X(instant)}\" y=\"{Height - 4}\" text-anchor=\"middle\">{label} {Local(instant, zone, "HH:mm")}</text>");
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<path class=\"temperature\" d=\"{path}\"/></svg>")
            .Append("<figcaption>").Append(Encode(description)).Append(" (heure locale)</figcaption></figure>\n");
    }

    private static void Week(StringBuilder html, List<CircuitView> circuits, IReadOnlyList<NightSun> sun, DateTimeOffset firstNight, TimeZoneInfo zone)
    {
        html.Append(WideBox($"{circuits[0].Gateway} : la semaine")).Append("<table class=\"week\">\n<caption class=\"muted\">La semaine (heure locale)</caption>\n<thead><tr><th scope=\"col\">Nuit du</th><th scope=\"col\">Soleil</th>");
        foreach (var circuit in circuits)
        {
            html.Append("<th scope=\"col\">").Append(Encode(circuit.Circuit)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        for (var night = 0; night < CrewData.Nights; night++)
        {
            var start = firstNight.AddDays(night);
            var end = start.AddDays(1);
            var nightSun = sun.FirstOrDefault(s => s.NightStart == start);
            html.Append("<tr><th scope=\"row\">").Append(NightOf(start, zone)).Append("</th><td>")
                .Append(nightSun is null ? "—" : $"coucher {Time(nightSun.Sunset, zone)}, crépuscule {Time(nightSun.CivilDusk, zone)}<br>aube {Time(nightSun.CivilDawn, zone)}, lever {Time(nightSun.Sunrise, zone)}")
                .Append("</td>");
            foreach (var circuit in circuits)
            {
                var steps = circuit.Plan.Where(s => s.At >= start && s.At < end).Select(s => $"{Local(s.At, zone, "HH:mm")} {s.Level} %").ToList();
                html.Append("<td>").Append(steps.Count == 0 ? "éteint" : string.Join("<br>", steps)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n");
    }

    private static void AddForm(StringBuilder html, string gateway, IReadOnlyList<string> circuits, string token, DateTimeOffset now, TimeZoneInfo zone)
    {
        var id = "g-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(gateway)))[..8];
        html.Append("<h3>Dérogation sur ").Append(Encode(gateway)).Append("</h3>\n<form method=\"post\" action=\"/equipe/derogation\">").Append(Token(token))
            .Append("<input type=\"hidden\" name=\"gateway\" value=\"").Append(Encode(gateway)).Append("\">\n")
            .Append(CultureInfo.InvariantCulture, $"<p><label for=\"{id}-circuit\">Circuit</label> <select id=\"{id}-circuit\" name=\"circuit\"><option value=\"*\">tous</option>");
        foreach (var circuit in circuits)
        {
            html.Append("<option>").Append(Encode(circuit)).Append("</option>");
        }

        html.Append("</select></p>\n")
            .Append(CultureInfo.InvariantCulture, $"<p><label for=\"{id}-level\">Niveau (%)</label> <input id=\"{id}-level\" name=\"level\" type=\"number\" min=\"0\" max=\"100\" required></p>\n")
            .Append(CultureInfo.InvariantCulture, $"<p><label for=\"{id}-from\">De</label> <input id=\"{id}-from\" name=\"from\" type=\"datetime-local\" value=\"{Local(now, zone, "yyyy-MM-ddTHH:mm")}\"></p>\n")
            .Append(CultureInfo.InvariantCulture, $"<p><label for=\"{id}-until\">Jusqu'à</label> <input id=\"{id}-until\" name=\"until\" type=\"datetime-local\" required></p>\n")
            .Append(CultureInfo.InvariantCulture, $"<p><label for=\"{id}-reason\">Motif</label> <input id=\"{id}-reason\" name=\"reason\" maxlength=\"200\"></p>\n")
            .Append("<p><button type=\"submit\">Envoyer la dérogation</button></p>\n</form>\n");
    }

    private static string Token(string token) => $"<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"{Encode(token)}\">";

    private static string Time(DateTimeOffset? instant, TimeZoneInfo zone) => instant is { } at ? Local(at, zone, "HH:mm") : "—";

    /// <summary>The instant in <paramref name="zone"/>, with an invariant <paramref name="format"/> of digits only.</summary>
    private static string Local(DateTimeOffset instant, TimeZoneInfo zone, string format) => TimeZoneInfo.ConvertTime(instant, zone).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>"4 décembre 21:30".</summary>
    internal static string DayAndTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        FrenchFormat.Day(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime)) + " " + Local(instant, zone, "HH:mm");

    /// <summary>"vendredi 4 décembre", the date of a night's evening.</summary>
    internal static string NightOf(DateTimeOffset nightStart, TimeZoneInfo zone)
    {
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(nightStart, zone).DateTime);
        return Weekdays[(int)date.DayOfWeek] + " " + FrenchFormat.Day(date);
    }
}
