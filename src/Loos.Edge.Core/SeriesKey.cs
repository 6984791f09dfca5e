namespace Loos.Edge.Core;

/// <summary>
/// What a series is: measurement, tags (kept sorted by key, as InfluxDB orders them), field, unit and
/// field type. Two keys with the same parts are equal whatever order their tags were given in.
/// </summary>
public sealed class SeriesKey : IEquatable<SeriesKey>
{
    private readonly Tag[] tags;
    private readonly int hashCode;

    /// <exception cref="ArgumentException">A name is empty, or a tag key repeats.</exception>
    public SeriesKey(string measurement, IEnumerable<Tag> tags, string field, string unit = "", ValueKind kind = ValueKind.Float)
    {
        ArgumentException.ThrowIfNullOrEmpty(measurement);
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(unit);
        Measurement = measurement;
        Field = field;
        Unit = unit;
        Kind = kind;
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
        hashCode = hash.ToHashCode();
    }

    public string Measurement { get; }

    /// <summary>The tags, sorted by key.</summary>
    public ReadOnlySpan<Tag> Tags => tags;

    public string Field { get; }

    /// <summary>The unit of the values (for example "Wh", "°C"); empty when unknown.</summary>
    public string Unit { get; }

    public ValueKind Kind { get; }

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
