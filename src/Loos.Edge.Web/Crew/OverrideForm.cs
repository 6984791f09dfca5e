using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Loos.Edge.Web.Crew;

/// <summary>An override form checked: the gateway's JSON request, or what is wrong with it in French.</summary>
internal readonly record struct OverrideRequest(JsonObject? Json, string? Problem);

/// <summary>
/// Reads the override form (gateway, circuit or <c>*</c> for all, level, from, until, reason) into the gateway's add
/// request. Refuses, naming the field: a gateway or circuit that has published no plan, a level outside 0–100, a time
/// that is not a local <c>yyyy-MM-ddTHH:mm</c> (or one the clocks skip or show twice), an end in the past or not after
/// the start, an override longer than <c>web:maxOverrideDuration</c>, a reason over 200 characters.
/// </summary>
internal static class OverrideForm
{
    public const int MaxReasonLength = 200;

    public static OverrideRequest Read(IFormCollection form, CrewView? view, TimeZoneInfo zone, DateTimeOffset now, TimeSpan maxDuration, out string? gateway, out string? summary)
    {
        var named = form["gateway"].ToString();
        gateway = named;
        summary = null;
        var circuit = form["circuit"].ToString();
        var known = view?.Circuits.Where(c => c.Gateway == named).Select(c => c.Circuit).ToList() ?? [];
        if (known.Count == 0)
        {
            return Refuse(view is null ? "les plans d'éclairage ne peuvent pas être lus (InfluxDB)" : $"la passerelle « {gateway} » est inconnue");
        }

        if (circuit != "*" && !known.Contains(circuit))
        {
            return Refuse($"le circuit « {circuit} » est inconnu sur {gateway} (circuits : {string.Join(", ", known)})");
        }

        if (!int.TryParse(form["level"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var level) || level > 100)
        {
            return Refuse($"niveau « {form["level"]} » : un nombre entier de 0 à 100");
        }

        var from = now;
        if (form["from"].ToString() is { Length: > 0 } fromText && Local(fromText, zone, "de", out from) is { } fromProblem)
        {
            return Refuse(fromProblem);
        }

        if (Local(form["until"].ToString(), zone, "jusqu'à", out var until) is { } untilProblem)
        {
            return Refuse(untilProblem);
        }

        if (until <= now)
        {
            return Refuse($"la fin ({Format(until, zone)}) est déjà passée");
        }

        if (until <= from)
        {
            return Refuse("la fin doit suivre le début");
        }

        if (until - (from > now ? from : now) > maxDuration)
        {
            return Refuse($"une dérogation dure au plus {Tenant.FrenchFormat.Number(maxDuration.TotalHours)} h");
        }

        var reason = form["reason"].ToString().Trim();
        if (reason.Length > MaxReasonLength)
        {
            return Refuse($"le motif dépasse {MaxReasonLength} caractères");
        }

        var request = new JsonObject { ["action"] = "add" };
        if (circuit == "*")
        {
            request["all"] = true;
        }
        else
        {
            request["circuits"] = new JsonArray(circuit);
        }

        request["level"] = level;
        request["from"] = from.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        request["until"] = until.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        if (reason.Length > 0)
        {
            request["reason"] = reason;
        }

        summary = $"{(circuit == "*" ? "tous les circuits" : circuit)} à {level} % du {Format(from, zone)} au {Format(until, zone)}{(reason.Length > 0 ? $" ({reason})" : "")}";
        return new OverrideRequest(request, null);
    }

    private static OverrideRequest Refuse(string problem) => new(null, problem);

    /// <summary>A local <c>yyyy-MM-ddTHH:mm</c> in <paramref name="zone"/>; null when it is one, else why not.</summary>
    private static string? Local(string text, TimeZoneInfo zone, string field, out DateTimeOffset instant)
    {
        instant = default;
        if (!DateTime.TryParseExact(text, "yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return $"« {field} » : une date et heure locale (aaaa-mm-jjThh:mm) est attendue";
        }

        if (zone.IsInvalidTime(local) || zone.IsAmbiguousTime(local))
        {
            return $"« {field} » : {text} n'existe pas ou existe deux fois au changement d'heure ; choisissez une autre heure";
        }

        instant = new DateTimeOffset(local, zone.GetUtcOffset(local));
        return null;
    }

    private static string Format(DateTimeOffset instant, TimeZoneInfo zone) => CrewHtml.DayAndTime(instant, zone);
}
