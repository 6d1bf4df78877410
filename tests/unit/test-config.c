#include "config.h"

#include "tap.h"

int main(void);

int
main(void)
{
	skip_all("not written yet");
}
