namespace Loos.Edge.Modules;

/// <summary>What a module's verbs get from the command line they are part of.</summary>
public interface IVerbContext
{
    /// <summary>
    /// Reads, binds and validates the site file at <paramref name="path"/> with every module of the gateway; when it
    /// has problems, writes every one of them (with its file and line) on <paramref name="problems"/>.
    /// </summary>
    /// <returns>The site, or null when the file is invalid (the verb then exits with <c>ExitCodes.InvalidSiteFile</c>).</returns>
    Task<ISiteContext?> LoadSiteAsync(string path, TextWriter problems);
}
