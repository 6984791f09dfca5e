namespace Loos.Edge.Modules;

/// <summary>What a module sees of the site file it is configured from: the site, and every module's options.</summary>
public interface ISiteContext
{
    /// <summary>The site's name (key <c>site:name</c>), shown in logs and health; default the host name.</summary>
    string Name { get; }

    /// <summary>Where the site is on Earth (keys <c>site:latitude</c>, <c>site:longitude</c>), for its sun times; null when the file does not say.</summary>
    SiteLocation? Location { get; }

    /// <summary>The site's civil time zone (key <c>site:timeZone</c>), in which its clocks and calendars are read; default Europe/Paris.</summary>
    TimeZoneInfo TimeZone { get; }

    /// <summary>The folder of the site file, which relative paths in it are resolved against.</summary>
    string Directory { get; }

    /// <summary>
    /// The options of the module that owns <typeparamref name="TOptions"/>, bound from its section; a module may read
    /// another's (the forwarder writes its dead letters beside the buffer).
    /// </summary>
    /// <exception cref="InvalidOperationException">No module of the site has options of this type.</exception>
    TOptions Options<TOptions>()
        where TOptions : class;

    /// <summary>
    /// A path from the site file resolved against the file's folder; null and empty stay as they are, and so does a
    /// path the loader refuses (that problem is reported with its key).
    /// </summary>
    string? ResolvePath(string? path);
}

/// <summary>A place on Earth in decimal degrees (WGS 84): latitude north positive, longitude east positive.</summary>
public sealed record SiteLocation(double Latitude, double Longitude);
