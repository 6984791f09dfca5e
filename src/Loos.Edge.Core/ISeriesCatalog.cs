namespace Loos.Edge.Core;

/// <summary>Interns series keys to compact ids, once per process; safe for concurrent use.</summary>
public interface ISeriesCatalog
{
    /// <summary>The id of <paramref name="key"/>, assigning the next one the first time it is seen.</summary>
    SeriesId Intern(SeriesKey key);

    /// <summary>The key an id was interned from.</summary>
    /// <exception cref="KeyNotFoundException">The id was never handed out.</exception>
    SeriesKey this[SeriesId id] { get; }

    /// <summary>How many series have been interned.</summary>
    int Count { get; }
}
