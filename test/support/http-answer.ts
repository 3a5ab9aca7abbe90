/** An HTTP answer read whole: status, headers, text and, when the text is JSON, its value (else undefined). */
export async function readAnswer(res: Response): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined; // not JSON
  }
  return { status: res.status, headers: res.headers, text, json };
}
