namespace Loos.Edge.Core.LineProtocol;

/// <summary>
/// The type of each field of each measurement, from the series in the catalogue (whichever source interned them) and
/// those the parser is about to intern: InfluxDB refuses a point whose field has another type than the one it holds.
/// </summary>
internal sealed class FieldKinds(ISeriesCatalog catalog)
{
    private readonly Dictionary<(string Measurement, string Field), ValueKind> kinds = [];
    private readonly Lock gate = new();
    private int cataloguedSeries;

    /// <summary>Records <paramref name="kind"/> for the field unless it has another type already, which it returns.</summary>
    public ValueKind? Claim(string measurement, string field, ValueKind kind)
    {
        lock (gate)
        {
            // The catalogue only grows: read the series added since the last call, the first type of a field wins.
            for (var count = catalog.Count; cataloguedSeries < count; cataloguedSeries++)
            {
                var key = catalog[new SeriesId(cataloguedSeries)];
                kinds.TryAdd((key.Measurement, key.Field), key.Kind);
            }

            if (kinds.TryGetValue((measurement, field), out var known))
            {
                return known == kind ? null : known;
            }

            kinds.Add((measurement, field), kind);
            return null;
        }
    }
}
