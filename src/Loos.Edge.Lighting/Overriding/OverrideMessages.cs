using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loos.Edge.Lighting.Overriding;

/// <summary>
/// A request about overrides, from HTTP or MQTT: <c>{"action":"add","circuits":["rue-basly"],"level":100,
/// "from":"2026-07-14T22:30:00+02:00","until":"2026-07-15T00:30:00+02:00","reason":"feu d'artifice"}</c> (or
/// <c>"all":true</c> for every circuit; <c>from</c> defaults to now), <c>{"action":"cancel","id":"…"}</c>,
/// <c>{"action":"list"}</c>.
/// </summary>
internal sealed class OverrideRequest
{
    public string? Action { get; set; }

    public List<string>? Circuits { get; set; }

    public bool All { get; set; }

    public int? Level { get; set; }

    public string? From { get; set; }

    public string? Until { get; set; }

    public string? Reason { get; set; }

    public string? Id { get; set; }
}

/// <summary>
/// The answer to an <see cref="OverrideRequest"/>: <c>{"applied":true,"override":{…}}</c>,
/// <c>{"applied":true,"overrides":[…]}</c>, or <c>{"applied":false,"error":"…"}</c> naming what was wrong.
/// </summary>
internal sealed record OverrideReply(
    bool Applied,
    [property: JsonPropertyName("override")] OverrideView? Override = null,
    IReadOnlyList<OverrideView>? Overrides = null,
    string? Error = null);

/// <summary>An override as replies show it, its instants in UTC.</summary>
internal sealed record OverrideView(string Id, IReadOnlyList<string> Circuits, bool All, int Level, string From, string Until, string Reason, string Created)
{
    public static OverrideView Of(LightingOverride item) => new(
        item.Id, item.Circuits, item.Circuits.Count == 0, item.Level, OverrideTimes.Format(item.From), OverrideTimes.Format(item.Until), item.Reason, OverrideTimes.Format(item.Created));
}

/// <summary>
/// System.Text.Json metadata of the override messages: camelCase names, absent values left out, a field the request
/// does not take refused; <see cref="Readable"/> is the one to use.
/// </summary>
[JsonSerializable(typeof(OverrideRequest))]
[JsonSerializable(typeof(OverrideReply))]
internal sealed partial class OverrideJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Apostrophes and accents written as they are ("feu d'artifice", "marché"), not as \u escapes: replies are read by
    /// people, through curl and mosquitto_sub, and never embedded in HTML.
    /// </summary>
    public static OverrideJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
