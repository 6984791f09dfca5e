namespace Loos.Edge.Testing;

internal static class ServerWait
{
    /// <summary>Polls <paramref name="url"/> until it answers <paramref name="expected"/>, the process dies, or the time is up.</summary>
    public static async Task UntilReadyAsync(HttpClient http, Uri url, System.Net.HttpStatusCode expected, ServerProcess process, string name, string logFile, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited during start-up. Log tail:\n{ServerProcess.Tail(logFile)}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode == expected)
                {
                    return;
                }
            }
            catch (HttpRequestException exception)
            {
                last = exception;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{name} did not answer {url} within {timeout}. Log tail:\n{ServerProcess.Tail(logFile)}", last);
    }
}
