namespace Loos.Edge.Modules;

/// <summary>What a module sees of the site file it is configured from: the site, and every module's options.</summary>
public interface ISiteContext
{
    /// <summary>The site's name (key <c>site:name</c>), shown in logs and health; default the host name.</summary>
    string Name { get; }

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
