namespace Loos.Edge.Core;

/// <summary>
/// What a series is: measurement, tags (kept sorted by key, as InfluxDB orders them), field, unit, field type and
/// whether it is republished. Two keys with the same parts are equal whatever order their tags were given in.
/// </summary>
public sealed class SeriesKey : IEquatable<SeriesKey>
{
    private readonly Tag[] tags;
    private readonly int hashCode;

    /// <exception cref="ArgumentException">A name is empty, or a tag key repeats.</exception>
    public SeriesKey(string measurement, IEnumerable<Tag> tags, string field, string unit = "", ValueKind kind = ValueKind.Float, bool republished = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(measurement);
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(unit);
        Measurement = measurement;
        Field = field;
        Unit = unit;
        Kind = kind;
        Republished = republished;
        this.tags = [.. tags];
        Array.Sort(this.tags, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (var i = 0; i < this.tags.Length; i++)
        {
            if (string.IsNullOrEmpty(this.tags[i].Key) || string.IsNullOrEmpty(this.tags[i].Value))
            {
                throw new ArgumentException($"Series '{measurement}': tag keys and values must not be empty.", nameof(tags));
            }

            if (i > 0 && this.tags[i].Key == this.tags[i - 1].Key)
            {
                throw new ArgumentException($"Series '{measurement}': tag '{this.tags[i].Key}' is given twice.", nameof(tags));
            }
        }

        var hash = new HashCode();
        hash.Add(measurement, StringComparer.Ordinal);
        foreach (var tag in this.tags)
        {
            hash.Add(tag.Key, StringComparer.Ordinal);
            hash.Add(tag.Value, StringComparer.Ordinal);
        }

        hash.Add(field, StringComparer.Ordinal);
        hash.Add(unit, StringComparer.Ordinal);
        hash.Add(kind);
        hash.Add(republished);
        hashCode = hash.ToHashCode();
    }

    public string Measurement { get; }

    /// <summary>The tags, sorted by key.</summary>
    public ReadOnlySpan<Tag> Tags => tags;

    public string Field { get; }

    /// <summary>The unit of the values (for example "Wh", "°C"); empty when unknown.</summary>
    public string Unit { get; }

    public ValueKind Kind { get; }

    /// <summary>
    /// Whether the gateway may write this series' points again at the same timestamps with another quality (a
    /// publisher recomputing past days as readings arrive: an estimated day later measured). InfluxDB merges the fields
    /// of points with the same series and timestamp, so the quality of every point of such a series is written, good
    /// included: the latest write's quality replaces the earlier one instead of an old <c>"estimated"</c> staying for
    /// ever. A series rewritten always good (rollups, the lighting's plan) does not need it and saves the bytes.
    /// </summary>
    public bool Republished { get; }

    /// <summary>The value of the tag named <paramref name="key"/>, or null.</summary>
    public string? GetTag(string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }

    public bool Equals(SeriesKey? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null
            && hashCode == other.hashCode
            && Kind == other.Kind
            && Republished == other.Republished
            && Measurement == other.Measurement
            && Field == other.Field
            && Unit == other.Unit
            && tags.AsSpan().SequenceEqual(other.tags);
    }

    public override bool Equals(object? obj) => Equals(obj as SeriesKey);

    public override int GetHashCode() => hashCode;

    /// <summary>A readable form for logs: <c>measurement,tag=value field [unit]</c>.</summary>
    public override string ToString()
    {
        var tagText = string.Concat(tags.Select(t => $",{t.Key}={t.Value}"));
        var unitText = Unit.Length > 0 ? $" [{Unit}]" : string.Empty;
        return $"{Measurement}{tagText} {Field}{unitText}";
    }
}
