using System.Reflection;
using System.Text;

namespace Loos.Edge.Modules.SiteFiles;

/// <summary>
/// The site file's paths (files, directories, serial devices): which keys hold one, and whether the system could open
/// it, so that a path that can never work is an error at its key rather than a failure at run time.
/// </summary>
internal static class SitePaths
{
    /// <summary>The longest path Linux opens, in bytes: PATH_MAX (4096, limits.h) less its terminating NUL.</summary>
    public const int MaximumPathBytes = 4095;

    /// <summary>The longest name in a path, in bytes: NAME_MAX (255, limits.h), as ext4, tmpfs and vfat allow.</summary>
    public const int MaximumNameBytes = 255;

    /// <summary>
    /// Whether an option holds a path: a string named <c>…File</c> or <c>…Directory</c>, a serial <c>device</c>, or
    /// GPIO's <c>simulatedEdges</c> (a pipe).
    /// </summary>
    public static bool IsPath(PropertyInfo property) =>
        property.PropertyType == typeof(string)
        && (property.Name.EndsWith("File", StringComparison.Ordinal)
            || property.Name.EndsWith("Directory", StringComparison.Ordinal)
            || property.Name is "Device" or "SimulatedEdges");

    /// <summary>Why <paramref name="path"/> (resolved against <paramref name="baseDirectory"/>) cannot be a path; null when it can.</summary>
    public static string? Check(string path, string baseDirectory)
    {
        for (var index = 0; index < path.Length; index++)
        {
            if (char.IsControl(path[index]))
            {
                return $"the path contains the control character U+{(int)path[index]:X4} at character {index + 1}; a path cannot hold one.";
            }
        }

        var fullPath = Path.GetFullPath(path, baseDirectory);
        var length = Encoding.UTF8.GetByteCount(fullPath);
        if (length > MaximumPathBytes)
        {
            return $"the path is {length} bytes long; the system allows at most {MaximumPathBytes}.";
        }

        foreach (var name in fullPath.Split('/'))
        {
            if (Encoding.UTF8.GetByteCount(name) is var nameLength and > MaximumNameBytes)
            {
                return $"the name '{name}' is {nameLength} bytes long; the system allows at most {MaximumNameBytes} per name.";
            }
        }

        return null;
    }
}
