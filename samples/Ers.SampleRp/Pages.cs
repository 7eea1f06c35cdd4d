using System.Text.Encodings.Web;

namespace Ers.SampleRp;

/// <summary>The sample's pages, plain HTML.</summary>
internal static class Pages
{
    public static string Home(SignedInUser user)
    {
        var h = HtmlEncoder.Default;
        return Layout("Signed in with Ers", $"""
            <h1>Signed in with Ers</h1>
            <dl>
              <dt>Name</dt><dd data-testid="user-name">{h.Encode(user.Name)}</dd>
              <dt>User ID (sub)</dt><dd data-testid="user-id">{h.Encode(user.Subject)}</dd>
              <dt>Role profile (selected_roleid)</dt><dd data-testid="role-profile">{h.Encode(user.RoleProfileId ?? "none")}</dd>
              <dt>Role</dt><dd data-testid="role">{h.Encode(user.Role ?? "none")}</dd>
              <dt>Organisation</dt><dd data-testid="organisation">{h.Encode(user.Organisation ?? "none")}</dd>
            </dl>
            <form method="post" action="/signout"><button type="submit">Sign out</button></form>
            """);
    }

    public static string SignedOut(bool sessionEnded) => Layout("Signed out", sessionEnded
        ? """
          <h1>Signed out</h1>
          <p data-testid="session-ended">Your Ers smartcard session has ended, so you are signed out of this application too.</p>
          <p><a href="/">Sign in again</a></p>
          """
        : """
          <h1>Signed out</h1>
          <p>You are signed out of this application. Your card session in Ers goes on until the card is removed.</p>
          <p><a href="/">Sign in again</a></p>
          """);

    private static string Layout(string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>{HtmlEncoder.Default.Encode(title)} - Ers sample application</title></head>
        <body>
        <main>
        {body}
        </main>
        </body>
        </html>
        """;
}
